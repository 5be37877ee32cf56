// The release group lets a frozen instance go on (R4), optionally rebinding what the freeze named.
"use strict";

document.getElementById("release").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-release]");
  if (!button) return;
  const box = document.getElementById("release");
  const data = button.dataset.release === "rebind" ? JSON.parse(box.dataset.rebind) : {};
  button.disabled = true;
  try {
    await Handoff.api("POST", `/instances/${box.dataset.instance}/release`,
                      { json: { data, version: Number(box.dataset.version) } });
    window.location.reload();
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    button.disabled = false;
  }
});
