// /api/docs: starts swagger-ui with the settings the page carries as JSON (no inline script: CSP).
"use strict";

window.ui = SwaggerUIBundle(JSON.parse(document.getElementById("swagger-config").textContent));
