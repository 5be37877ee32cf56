// The login form sends the browser's time zone, so due times are shown in the person's own (no inline script: CSP).
"use strict";

document.getElementById("tz").value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
