// Admin › Customers and Knowledge base: each save is one API call; the server's words are shown as they are.
"use strict";

function fieldsOf(container) {
  const fields = {};
  for (const input of container.querySelectorAll("input[name]")) {
    if (input.type === "checkbox") fields[input.name] = input.checked;
    else if (input.type === "number") fields[input.name] = input.value === "" ? null : Number(input.value);
    else fields[input.name] = input.value.trim() === "" && input.name !== "name" ? null : input.value;
  }
  return fields;
}

// The fields' names as the page shows them, for the server's reasons ("Budget: must be at least 0").
const FIELDS = { name: t("Name"), industry: t("Industry"), budget: t("Budget"), version: t("Version"),
                 executive_attention: t("Executive attention"), product: t("Product") };

async function send(button, method, path, json, done) {
  button.disabled = true;
  try {
    await Handoff.api(method, path, { json });
    Handoff.notice(done);
    window.setTimeout(() => window.location.reload(), 700);
  } catch (error) {
    const fields = error.body && error.body.errors ? Object.entries(error.body.errors)
      .map(([name, why]) => t("{field}: {why}", { field: FIELDS[name] || name.replace(/_/g, " "), why: [].concat(why).join(t(", ")) }))
      .join(t("; ")) : "";
    Handoff.notice(fields || Handoff.explain(error), true);
    button.disabled = false;
  }
}

const customers = document.getElementById("customers");
if (customers) customers.addEventListener("click", (event) => {
  const button = event.target.closest("button.save");
  if (!button) return;
  const row = button.closest("tr");
  send(button, "PATCH", `/customers/${row.dataset.customer}`,
       { ...fieldsOf(row), version: Number(row.dataset.version) }, t("Saved."));
});

const newCustomer = document.getElementById("new-customer");
if (newCustomer) newCustomer.addEventListener("submit", (event) => {
  event.preventDefault();
  const body = Object.fromEntries(Object.entries(fieldsOf(newCustomer)).filter(([, v]) => v !== null));
  send(newCustomer.querySelector("button"), "POST", "/customers", body, t("Added {name}.", { name: body.name }));
});

const products = document.getElementById("products");
if (products) products.addEventListener("click", (event) => {
  const button = event.target.closest("button.save");
  if (!button) return;
  const row = button.closest("tr");
  send(button, "PUT", `/knowledge-base/${encodeURIComponent(row.dataset.product)}`,
       { version: row.querySelector("input[name=version]").value }, t("The version is current."));
});

const newProduct = document.getElementById("new-product");
if (newProduct) newProduct.addEventListener("submit", (event) => {
  event.preventDefault();
  const { product, version } = fieldsOf(newProduct);
  send(newProduct.querySelector("button"), "PUT", `/knowledge-base/${encodeURIComponent(product)}`,
       { version }, t("Added {name}.", { name: product }));
});
