// The task page: its form, filled with what the task sees, completed through the API.
"use strict";

(async () => {
  const box = document.getElementById("task-form");
  const taskId = box.dataset.task;
  const version = Number(box.dataset.version);
  const schema = JSON.parse(document.getElementById("task-schema").textContent);
  const detail = await Handoff.api("GET", `/tasks/${taskId}`);
  const startval = Object.fromEntries(Object.keys(schema.properties || {})
    .filter((key) => detail.data?.[key] !== undefined && detail.data[key] !== null)
    .map((key) => [key, detail.data[key]]));
  const form = await JsonForm.mount(box, schema, {
    startval, editable: box.dataset.editable === "yes", sealed: JSON.parse(box.dataset.sealed || "[]"),
    instanceId: detail.instance_id, documentNames: JSON.parse(box.dataset.documents || "{}"),
  });
  box.dataset.ready = "yes";
  JsonForm.onSubmit(document.getElementById("submit"), form, async (data) => {
    const answer = await Handoff.api("POST", `/tasks/${taskId}/complete`, {
      json: { data, version }, idempotencyKey: `task-${taskId}-${version}-${crypto.randomUUID()}`,
    });
    if (answer && answer.code === "process_stopped") {  // kept, but a later step failed: say so, stay here
      Handoff.notice(answer.message, true);
      document.getElementById("submit").disabled = true;
      return;
    }
    window.location.href = `/tasks?done=${encodeURIComponent(document.querySelector("h1").textContent)}`;
  });
})();
