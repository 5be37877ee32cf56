// Designer page: preview a diagram (deployed, or the file just chosen), deploy through the API, list problems.
"use strict";

(() => {
  // Every sentence the preview says, in one place, in the page's language.
  const WORDS = {
    deployed: (name) => t("Preview: {name}", { name }),
    nothing: t("Preview"),
    chosen: (file) => t("Preview: {file} (chosen, not deployed yet)", { file }),
    broken: (file) => t("{file} cannot be drawn", { file }),
    unreadable: (file) => t("The file {file} could not be read.", { file }),
    noDrawing: t("The file holds a process but no drawing of it (no BPMN diagram interchange). Open and save it in a BPMN modeler, or lay it out with tools/bpmn_layout.py."),
    notBpmn: t("The file is not a BPMN 2.0 diagram (its root element is not bpmn:definitions)."),
    at: (line, column) => t("Line {line}, column {column}: ", { line, column }),
    warnings: t("Drawn, but the modeler would warn:"),
  };
  const box = document.getElementById("preview");
  const view = box.closest(".diagram-view");
  const title = document.getElementById("preview-title");
  const problem = document.getElementById("preview-problem");
  const warnings = document.getElementById("preview-warnings");
  const none = document.getElementById("preview-none"); // the server's word on why nothing deployed is drawn
  const viewer = HandoffDiagram.viewer(box);
  let shown = 0; // the newest request to show something: an older, slower import must not replace it

  /** A parse error of bpmn-js (moddle/saxen) in plain words, with its line and column when it has them. */
  function reason(error) {
    const text = String(error?.message || error);
    if (/no diagram to display/i.test(text)) return WORDS.noDrawing;
    if (/failed to parse document as <bpmn:Definitions>/i.test(text)) return WORDS.notBpmn;
    const line = text.match(/line: (\d+)/);
    const column = text.match(/column: (\d+)/);
    const nested = text.match(/nested error: (.+)/);
    const first = text.split("\n")[0].trim();
    const what = nested ? `${nested[1].trim()} (${first})` : first;
    // saxen counts lines and columns from 0; editors count from 1
    return `${line ? WORDS.at(Number(line[1]) + 1, column ? Number(column[1]) + 1 : "?") : ""}${what}`;
  }

  function clear() {
    if (none) none.hidden = true;
    problem.hidden = true;
    problem.replaceChildren();
    warnings.hidden = true;
    warnings.replaceChildren();
  }

  /** Says why `file` (a file's or process's name) is not drawn, and leaves no other diagram in its place. */
  function refuse(file, why) {
    viewer.clear();
    view.hidden = true;
    problem.replaceChildren(Object.assign(document.createElement("b"), { textContent: WORDS.broken(file) }),
      Object.assign(document.createElement("pre"), { textContent: why }));
    problem.hidden = false;
  }

  /** Draws `xml` under `heading`, or says why it cannot; one import at a time, a superseded one is skipped. */
  let drawing = Promise.resolve();
  function show(xml, heading, name) {
    const mine = ++shown;
    drawing = drawing.then(async () => {
      if (mine !== shown) return;
      clear();
      view.hidden = false;
      title.textContent = heading;
      try {
        const { warnings: warned } = await viewer.importXML(xml);
        HandoffDiagram.frame(viewer, box);
        if (warned.length) {
          const list = document.createElement("ul");
          list.append(...warned.map((w) => Object.assign(document.createElement("li"), { textContent: reason(w) })));
          warnings.append(Object.assign(document.createElement("p"), { textContent: WORDS.warnings }), list);
          warnings.hidden = false;
        }
        box.dataset.showing = name;
      } catch (error) {
        refuse(name, reason(error));
        box.dataset.showing = "";
      }
    });
  }

  /** The newest deployed version of the process named in the address, or nothing (and no old drawing). */
  const deployed = document.getElementById("preview-xml");
  const heading = title.dataset.deployed ? WORDS.deployed(title.dataset.deployed) : WORDS.nothing;
  function showDeployed() {
    if (deployed) { show(JSON.parse(deployed.textContent), heading, title.dataset.deployed); return; }
    ++shown;
    drawing = drawing.then(() => {
      clear();
      viewer.clear();
      view.hidden = true;
      if (none) none.hidden = false;
      title.textContent = heading;
      box.dataset.showing = "";
    });
  }
  showDeployed();

  const diagrams = document.getElementById("diagrams");
  const forms = document.getElementById("forms");
  const pick = document.getElementById("preview-pick");
  const picker = document.getElementById("preview-file");

  /** Shows a chosen diagram file, or why it cannot. */
  async function showChosen(bpmn) {
    const mine = ++shown;
    let text;
    try {
      text = await bpmn.text();
    } catch {
      if (mine === shown) {
        drawing = drawing.then(() => {
          clear();
          title.textContent = WORDS.chosen(bpmn.name);
          refuse(bpmn.name, WORDS.unreadable(bpmn.name));
        });
      }
      return;
    }
    if (mine === shown) show(text, WORDS.chosen(bpmn.name), bpmn.name);
  }

  const chosenDiagrams = () => [...diagrams.files].filter((file) => file.name.endsWith(".bpmn"));
  diagrams.addEventListener("change", () => {
    const bpmn = chosenDiagrams();
    picker.replaceChildren(...bpmn.map((file, index) => new Option(file.name, String(index))));
    pick.hidden = bpmn.length < 2; // several diagrams chosen: the designer picks the one to look at
    if (!bpmn.length) showDeployed();
    else showChosen(bpmn[0]);
  });
  picker.addEventListener("change", () => {
    const bpmn = chosenDiagrams()[Number(picker.value)];
    if (bpmn) showChosen(bpmn);
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
        Handoff.notice(made.created
          ? t("Deployed: {process} v{version} (the files of v{old}).", { process: made.process_id, version: made.version, old: version })
          : t("Nothing changed: v{version} is already current.", { version }));
        setTimeout(() => window.location.reload(), 1200);
      } catch (error) {
        const problems = Object.values(error.body?.errors || {}).flat();
        Handoff.notice(problems.length ? t("Not made current: {problems}", { problems: problems.join(" ") }) : Handoff.explain(error), true);
        button.disabled = false;
      }
    });
  }

  const result = document.getElementById("deploy-result");

  /** Deployed, but some words are not translated yet: the designer reads which (a reload would hide them). */
  function showWarnings(deployed) {
    const made = deployed.filter((d) => d.created).map((d) => `${d.process_id} v${d.version}`).join(", ");
    Handoff.notice(made ? t("Deployed: {versions}. Some words are not translated yet:", { versions: made })
      : t("Nothing changed. Some words are not translated yet:"));
    const list = Object.assign(document.createElement("ul"), { className: "warnings" });
    for (const line of deployed.flatMap((d) => d.warnings || [])) {
      list.append(Object.assign(document.createElement("li"), { textContent: line }));
    }
    result.append(list);
  }
  document.getElementById("deploy").addEventListener("click", async (event) => {
    const button = event.target;
    const body = new FormData();
    for (const file of [...diagrams.files, ...forms.files]) body.append(pathOf(file), file, file.name);
    if (![...body.keys()].some((path) => path.startsWith("bpmn/"))) {
      Handoff.notice(t("Choose at least one diagram to deploy."), true);
      return;
    }
    button.disabled = true;
    result.replaceChildren();
    try {
      const deployed = await Handoff.api("POST", "/processes/deploy?with_deployed=true", { form: body });
      if (deployed.some((d) => d.warnings?.length)) return showWarnings(deployed); // read them, no reload
      const created = deployed.filter((d) => d.created);
      Handoff.notice(created.length
        ? t("Deployed: {versions}.", { versions: created.map((d) => `${d.process_id} v${d.version}`).join(t(", ")) })
        : t("Nothing changed: every process is already deployed as sent."));
      setTimeout(() => window.location.reload(), 1200);
    } catch (error) {
      Handoff.notice(error.status === 422 ? t("Not deployed: fix these problems first.") : Handoff.explain(error), true);
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
