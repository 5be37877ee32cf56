// Admin › People: fills the form from a row, saves a person, (de)activates one, all through the people API.
"use strict";

const form = document.getElementById("person-form");

function save(person) {
  return Handoff.api("POST", "/people", { json: person });
}

document.getElementById("people").addEventListener("click", async (event) => {
  const row = event.target.closest("tr[data-person]");
  if (!row) return;
  const person = JSON.parse(row.dataset.person);
  if (event.target.closest("button[data-edit]")) {
    for (const name of ["username", "display_name", "email", "manager"]) form.elements[name].value = person[name] || "";
    form.elements.groups.value = person.groups.join(", ");
    form.elements.password.value = "";
    document.getElementById("form-title").textContent = `Edit ${person.display_name}`;
    form.scrollIntoView({ block: "nearest" });
  }
  const toggle = event.target.closest("button[data-toggle-active]");
  if (toggle) {
    toggle.disabled = true;
    try {
      await save({ ...person, active: !person.active });
      window.location.reload();
    } catch (error) {
      Handoff.notice(Handoff.explain(error), true);
      toggle.disabled = false;
    }
  }
});

form.addEventListener("reset", () => {
  document.getElementById("form-title").textContent = "Add a person";
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = (name) => form.elements[name].value.trim();
  const existing = document.querySelector(`tr[data-username="${CSS.escape(value("username"))}"]`);
  const person = {
    username: value("username"),
    display_name: value("display_name"),
    email: value("email") || null,
    manager: value("manager") || null,
    groups: value("groups").split(",").map((g) => g.trim()).filter(Boolean),
    active: existing ? JSON.parse(existing.dataset.person).active : true,
  };
  if (form.elements.password.value) person.password = form.elements.password.value;
  try {
    const saved = await save(person);
    Handoff.notice(`${saved.display_name} saved.`);
    window.location.reload();
  } catch (error) {
    const fields = error.body?.errors ? ` ${JSON.stringify(error.body.errors)}` : "";
    Handoff.notice(Handoff.explain(error) + fields, true);
  }
});
