// The Operations page: retry, skip or cancel through the API, the answer shown in plain words.
"use strict";

/** `name = value` lines as data; a value that reads as JSON (a number, true, a list) is taken as such. */
function readData(text) {
  const data = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at < 1) throw new Error(t("\"{line}\" should read name = value", { line }));
    const name = line.slice(0, at).trim();
    const raw = line.slice(at + 1).trim();
    try { data[name] = JSON.parse(raw); } catch { data[name] = raw; }
  }
  return data;
}

document.getElementById("incidents").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-do]");
  if (!button) return;
  const row = button.closest("tr");
  const reason = row.querySelector(".reason").value.trim();
  if (!reason) { Handoff.notice(t("Say why first, in a few words: the audit log keeps it."), true); return; }
  let data;
  try { data = readData(row.querySelector(".data").value); } catch (error) {
    Handoff.notice(error.message, true); return;
  }
  const version = Number(row.dataset.version);
  const paths = { retry: `/incidents/${row.dataset.incident}/retry`, skip: `/incidents/${row.dataset.incident}/skip`,
                  cancel: `/instances/${row.dataset.instance}/cancel` };
  const body = button.dataset.do === "cancel" ? { version, reason } : { version, reason, data };
  button.disabled = true;
  try {
    await Handoff.api("POST", paths[button.dataset.do], { json: body });
    window.location.href = `/operations?status=resolved&done=${row.dataset.incident}`;
  } catch (error) {
    Handoff.notice(Handoff.explain(error), true);
    button.disabled = false;
  }
});
