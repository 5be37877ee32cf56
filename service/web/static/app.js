// The pages' one way to change anything: the HTTP API, with the bearer token of the page session.
"use strict";

const Handoff = (() => {
  const token = document.querySelector('meta[name="api-token"]')?.content;

  class ApiError extends Error {
    constructor(status, body) {
      super(body?.message || t("The request failed ({status}).", { status }));
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, { json, form, version, idempotencyKey } = {}) {
    // The API answers in the page's language, not the browser's (a person may have chosen another).
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json", "Accept-Language": I18n.locale };
    let body;
    if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
    if (form !== undefined) body = form;
    if (version !== undefined) headers["If-Match"] = `"${version}"`;
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    const response = await fetch(`/api/v1${path}`, { method, headers, body });
    const text = await response.text();
    const payload = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  function notice(message, bad = false) {
    const box = document.getElementById("notice");
    box.textContent = message;
    box.classList.toggle("bad", bad);
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  /** What a person should read for a refused request: the server's words, never a status code alone. */
  function explain(error) {
    if (!(error instanceof ApiError)) return t("Something went wrong: {message}", { message: error.message });
    if (error.status === 409) return t("{message} Reload the page to see the latest version.", { message: error.message });
    return error.message;
  }

  // Buttons marked data-action="claim" etc. post to the API and reload on success.
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-api]");
    if (!button) return;
    event.preventDefault();
    button.disabled = true;
    try {
      await api("POST", button.dataset.api, { json: {}, version: button.dataset.version });
      window.location.href = button.dataset.then || window.location.href;
    } catch (error) {
      notice(explain(error), true);
      button.disabled = false;
    }
  });

  return { api, notice, explain, ApiError };
})();
