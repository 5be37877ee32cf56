// Failed deliveries: send one again, or every failed one of a channel, through the API.
"use strict";

async function resend(button, path, json) {
  button.disabled = true;
  try {
    const answer = await Handoff.api("POST", path, json ? { json } : {});
    const count = (answer.resent || []).length;
    Handoff.notice(count === 1 ? t("Queued again: it is being sent now.") : tn("{n} delivery queued again.", "{n} deliveries queued again.", count));
    window.setTimeout(() => window.location.reload(), 800);
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    button.disabled = false;
  }
}

document.getElementById("deliveries").addEventListener("click", (event) => {
  const button = event.target.closest("button.resend");
  if (button) resend(button, `/deliveries/${button.dataset.delivery}/resend`);
});

const all = document.getElementById("resend-channel");
if (all) all.addEventListener("click", () => resend(all, "/deliveries/resend", { channel: all.dataset.channel }));

document.getElementById("channel-filter").addEventListener("change", (event) => event.target.form.submit());
