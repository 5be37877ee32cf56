// Migrations page: a dry run or a migration of every unfinished instance of a version, told in words.
"use strict";

(() => {
  function said(outcome) {
    const id = outcome.instance_id;
    if (outcome.outcome === "migrated") return t("Instance #{id} now runs on the new version.", { id });
    if (outcome.outcome === "would migrate") return t("Instance #{id} can move: every active step has its counterpart.", { id });
    return t("Instance #{id} cannot move: {problems}", { id, problems: outcome.problems.join(t("; ")) });
  }

  async function run(row, dryRun) {
    const { process, version } = row.dataset;
    const cell = document.querySelector(`tr.outcome[data-process="${process}"][data-version="${version}"] td`);
    const reason = row.querySelector(".reason").value.trim();
    if (!dryRun && !reason) {
      Handoff.notice(t("Say why you migrate them: the reason goes to each instance's log."), true);
      return;
    }
    const body = { to_version: Number(row.querySelector(".target").value), dry_run: dryRun };
    if (!dryRun) body.reason = reason;
    for (const button of row.querySelectorAll("button")) button.disabled = true;
    try {
      const answer = await Handoff.api("POST", `/processes/${encodeURIComponent(process)}/versions/${version}/migrate`,
                                       { json: body });
      const list = Object.assign(document.createElement("ul"), { className: "problems" });
      for (const outcome of answer.instances) {
        list.append(Object.assign(document.createElement("li"), { textContent: said(outcome),
                                                                   className: outcome.outcome.replace(" ", "-") }));
      }
      if (!answer.instances.length) list.append(Object.assign(document.createElement("li"), { textContent: t("No unfinished instance left.") }));
      cell.replaceChildren(list);
      if (!dryRun) {
        const migrated = answer.instances.filter((o) => o.outcome === "migrated").length;
        Handoff.notice(t("{migrated} of {all} migrated.", { migrated, all: answer.instances.length }));
      }
    } catch (error) {
      Handoff.notice(Handoff.explain(error), true);
    } finally {
      for (const button of row.querySelectorAll("button")) button.disabled = false;
    }
  }

  for (const row of document.querySelectorAll("tr.migration")) {
    row.querySelector(".dry-run")?.addEventListener("click", () => run(row, true));
    row.querySelector(".migrate-all")?.addEventListener("click", () => run(row, false));
  }
})();
