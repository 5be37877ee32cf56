// Cancel, suspend or resume an instance with a reason; the API's words are shown when it refuses.
"use strict";

document.getElementById("instance-actions").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const box = document.getElementById("instance-actions");
  const reason = document.getElementById("action-reason").value.trim();
  if (!reason) {
    Handoff.notice(t("Say why first: the reason is required."), true);
    return;
  }
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  button.disabled = true;
  try {
    await Handoff.api("POST", `/instances/${box.dataset.instance}/${button.dataset.action}`,
                      { json: { reason, version: Number(box.dataset.version) } });
    window.location.reload();
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    button.disabled = false;
  }
});
