// Admin › People: fills the form from a row, saves a person, (de)activates one, all through the people API.
"use strict";

const form = document.getElementById("person-form");
const CHATS = [...form.querySelectorAll("input[data-chat]")].map((input) => input.dataset.chat);

function save(person) {
  return Handoff.api("POST", "/people", { json: person });
}

/** Every message of a 422's `errors` under a field (`chat_ids` nests them by chat, then key/value). */
function messagesOf(errors) {
  if (typeof errors === "string") return [errors];
  if (Array.isArray(errors)) return errors.flatMap(messagesOf);
  if (errors && typeof errors === "object") return Object.values(errors).flatMap(messagesOf);
  return [];
}

function clearErrors() {
  for (const node of form.querySelectorAll(".field-error")) node.remove();
  for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

/** Shows each refused field's reason next to it; reasons for fields the form lacks go to the notice. */
function showErrors(errors) {
  const left = [];
  for (const [name, why] of Object.entries(errors || {})) {
    const inputs = name === "chat_ids"
      ? Object.keys(why || {}).map((kind) => form.elements[`chat_${kind}`]).filter(Boolean)
      : [form.elements[name]].filter(Boolean);
    const target = inputs[0] || (name === "chat_ids" ? form.querySelector("fieldset.chat-ids legend") : null);
    if (!target) { left.push(...messagesOf(why)); continue; }
    for (const input of inputs) input.setAttribute("aria-invalid", "true");
    const note = Object.assign(document.createElement("span"), { className: "field-error error", textContent: messagesOf(why).join(" ") });
    note.setAttribute("role", "alert");
    note.dataset.field = name;
    target.closest("label, legend").after(note);
  }
  return left;
}

document.getElementById("people").addEventListener("click", async (event) => {
  const row = event.target.closest("tr[data-person]");
  if (!row) return;
  const person = JSON.parse(row.dataset.person);
  if (event.target.closest("button[data-edit]")) {
    clearErrors();
    for (const name of ["username", "display_name", "email", "manager", "locale", "mobile"]) form.elements[name].value = person[name] || "";
    for (const kind of CHATS) form.elements[`chat_${kind}`].value = (person.chat_ids || {})[kind] || "";
    form.elements.groups.value = person.groups.join(", ");
    form.elements.password.value = "";
    document.getElementById("form-title").textContent = t("Edit {name}", { name: person.display_name });
    form.scrollIntoView({ block: "nearest" });
  }
  const toggle = event.target.closest("button[data-toggle-active]");
  if (toggle) {
    toggle.disabled = true;
    try {
      // Only what the row knows is sent: the language, mobile and chat ids, when absent, are kept.
      await save({ username: person.username, display_name: person.display_name, email: person.email,
                   manager: person.manager, groups: person.groups, active: !person.active });
      window.location.reload();
    } catch (error) {
      Handoff.notice(Handoff.explain(error), true);
      toggle.disabled = false;
    }
  }
});

form.addEventListener("reset", () => {
  clearErrors();
  document.getElementById("form-title").textContent = t("Add a person");
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const value = (name) => form.elements[name].value.trim();
  const existing = document.querySelector(`tr[data-username="${CSS.escape(value("username"))}"]`);
  const chatIds = {};
  for (const kind of CHATS) if (value(`chat_${kind}`)) chatIds[kind] = value(`chat_${kind}`);
  const person = {
    username: value("username"),
    display_name: value("display_name"),
    email: value("email") || null,
    manager: value("manager") || null,
    groups: value("groups").split(",").map((g) => g.trim()).filter(Boolean),
    active: existing ? JSON.parse(existing.dataset.person).active : true,
    locale: value("locale") || null,
    mobile: value("mobile") || null,
    chat_ids: chatIds,
  };
  if (form.elements.password.value) person.password = form.elements.password.value;
  try {
    const saved = await save(person);
    Handoff.notice(t("{name} saved.", { name: saved.display_name }));
    window.location.reload();
  } catch (error) {
    const left = error.status === 422 ? showErrors(error.body?.errors) : [];
    Handoff.notice([Handoff.explain(error), ...left].join(" "), true);
  }
});
