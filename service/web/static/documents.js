// Downloads go through the API (the bearer token is not a cookie, so a plain link cannot carry it).
"use strict";

document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-document]");
  if (!link) return;
  event.preventDefault();
  const token = document.querySelector('meta[name="api-token"]').content;
  const response = await fetch(`/api/v1/documents/${link.dataset.document}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) { Handoff.notice(t("That document cannot be opened."), true); return; }
  const url = URL.createObjectURL(await response.blob());
  const anchor = Object.assign(document.createElement("a"), { href: url, download: link.dataset.filename });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
});
