// Starting a process from its start form; the new instance's page opens on success.
"use strict";

(async () => {
  const box = document.getElementById("start-form");
  const schema = JSON.parse(document.getElementById("start-schema").textContent);
  const form = await JsonForm.mount(box, schema);
  box.dataset.ready = "yes";
  const key = `start-${crypto.randomUUID()}`;  // one per page: a double click or a retry starts one project
  JsonForm.onSubmit(document.getElementById("submit"), form, async (data) => {
    const started = await Handoff.api("POST", `/processes/${box.dataset.process}/instances`,
                                      { json: { data }, idempotencyKey: key });
    window.location.href = `/instances/${started.id}?started=1`;
  });
})();
