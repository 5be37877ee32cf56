// R2.2: a manager records that a held-back rep completed the collaboration training; the block lifts at once.
"use strict";

const heldBack = document.getElementById("held-back");
if (heldBack) heldBack.addEventListener("click", async (event) => {
  const button = event.target.closest("button.record-training");
  if (!button) return;
  if (!window.confirm(t("{name} completed the collaboration training today?", { name: button.dataset.name }))) return;
  button.disabled = true;
  const today = new Date();
  const day = [today.getFullYear(), String(today.getMonth() + 1).padStart(2, "0"),
               String(today.getDate()).padStart(2, "0")].join("-");
  try {
    const answer = await Handoff.api("POST", `/people/${button.dataset.user}/collaboration-training`,
                                     { json: { completed_on: day } });
    button.closest("td").textContent = answer.blocked
      ? t("Training recorded; later handovers still hold them back.")
      : t("Training recorded: they can start opportunities again.");
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    button.disabled = false;
  }
});
