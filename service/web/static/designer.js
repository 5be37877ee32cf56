// Designer page: preview a diagram (deployed, or the file just chosen), deploy through the API, list problems.
"use strict";

(() => {
  const viewer = new BpmnJS({ container: document.getElementById("preview") });
  async function show(xml) {
    try {
      await viewer.importXML(xml);
      viewer.get("canvas").zoom("fit-viewport");
    } catch (error) {
      Handoff.notice(`This diagram cannot be drawn: ${error.message}`, true);
    }
  }
  const deployed = document.getElementById("preview-xml");
  if (deployed) show(JSON.parse(deployed.textContent));

  const diagrams = document.getElementById("diagrams");
  const forms = document.getElementById("forms");
  diagrams.addEventListener("change", async () => {
    const bpmn = [...diagrams.files].find((file) => file.name.endsWith(".bpmn"));
    if (!bpmn) return;
    document.getElementById("preview-title").textContent = `Preview: ${bpmn.name} (chosen, not deployed yet)`;
    show(await bpmn.text());
  });

  /** Where a chosen file goes in the library: diagrams under bpmn/, forms under forms/<area>/. */
  function pathOf(file) {
    const relative = file.webkitRelativePath || "";
    if (relative) return relative.startsWith("forms/") ? relative : `forms/${relative.split("/").slice(1).join("/")}`;
    return `bpmn/${file.name}`;
  }

  // Undo: an older version's files come back as a new version; running projects stay on their version.
  for (const button of document.querySelectorAll("button.activate")) {
    button.addEventListener("click", async () => {
      const { process, version } = button.dataset;
      button.disabled = true;
      try {
        const made = await Handoff.api("POST", `/processes/${encodeURIComponent(process)}/versions/${version}/activate`);
        Handoff.notice(made.created ? `Deployed: ${made.process_id} v${made.version} (the files of v${version}).`
          : `Nothing changed: v${version} is already current.`);
        setTimeout(() => window.location.reload(), 1200);
      } catch (error) {
        const problems = Object.values(error.body?.errors || {}).flat();
        Handoff.notice(problems.length ? `Not made current: ${problems.join(" ")}` : Handoff.explain(error), true);
        button.disabled = false;
      }
    });
  }

  const result = document.getElementById("deploy-result");
  document.getElementById("deploy").addEventListener("click", async (event) => {
    const button = event.target;
    const body = new FormData();
    for (const file of [...diagrams.files, ...forms.files]) body.append(pathOf(file), file, file.name);
    if (![...body.keys()].some((path) => path.startsWith("bpmn/"))) {
      Handoff.notice("Choose at least one diagram to deploy.", true);
      return;
    }
    button.disabled = true;
    result.replaceChildren();
    try {
      const deployed = await Handoff.api("POST", "/processes/deploy?with_deployed=true", { form: body });
      const created = deployed.filter((d) => d.created);
      Handoff.notice(created.length
        ? `Deployed: ${created.map((d) => `${d.process_id} v${d.version}`).join(", ")}.`
        : "Nothing changed: every process is already deployed as sent.");
      setTimeout(() => window.location.reload(), 1200);
    } catch (error) {
      Handoff.notice(error.status === 422 ? "Not deployed: fix these problems first." : Handoff.explain(error), true);
      const problems = Object.values(error.body?.errors || {}).flat();
      const list = Object.assign(document.createElement("ul"), { className: "problems" });
      for (const line of problems.length ? problems : [error.message]) {
        list.append(Object.assign(document.createElement("li"), { textContent: line }));
      }
      result.append(list);
    } finally {
      button.disabled = false;
    }
  });
})();
