// A manager gives the task to someone else (R9); the API decides whether that is allowed.
"use strict";

document.getElementById("reassign-button").addEventListener("click", async (event) => {
  const box = document.getElementById("reassign");
  const assignee = document.getElementById("reassign-to").value;
  event.target.disabled = true;
  try {
    await Handoff.api("POST", `/tasks/${box.dataset.task}/reassign`,
                      { json: { assignee, version: Number(box.dataset.version) } });
    window.location.reload();
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    event.target.disabled = false;
  }
});
