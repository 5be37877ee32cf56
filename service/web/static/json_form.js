// One JSON Schema form renderer for every page (json-editor): sealed keys left out, document fields uploaded,
// choices named, and the API's field errors shown next to their fields.
"use strict";

const JsonForm = (() => {
  /**
   * json-editor 2.17 "cleans" every string it shows (values, titles, descriptions) by parsing it as HTML in a
   * detached div, or with DOMPurify: either way `<img src=x onerror=…>` in a value runs, and tag-like text is
   * cut from what people see. Here every text stays text: values are taken as typed and shown through
   * textContent; the few places that build HTML from a value or a schema get escaped parts instead.
   */
  (function showEverythingAsText(editors) {
    const asIs = (text) => text;
    const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    delete window.DOMPurify;  // its branch sets innerHTML (sanitized, but changed): never take it
    JSONEditor.AbstractEditor.prototype.purify = asIs;
    JSONEditor.AbstractEditor.prototype.cleanText = asIs;
    JSONEditor.AbstractTheme.prototype.cleanText = asIs;
    const uploadPreview = JSONEditor.AbstractTheme.prototype.getUploadPreview;
    JSONEditor.AbstractTheme.prototype.getUploadPreview = function (file, ...rest) {
      return uploadPreview.call(this, { ...file, name: escape(file.name), type: escape(file.type) }, ...rest);
    };
    // Visually hidden labels get a class instead of a style="" attribute, which the pages' CSP refuses.
    const theme = JSONEditor.AbstractTheme.prototype;
    theme.visuallyHidden = (element) => element?.classList.add("je-visually-hidden");
    for (const [method, tag] of [["getHiddenLabel", "label"], ["getHiddenText", "span"]]) {
      theme[method] = (text) => Object.assign(document.createElement(tag),
                                              { textContent: text, className: "je-visually-hidden" });
    }
    theme.getOptInCheckbox = function (formname) {  // json-editor's own, less its style=""
      const label = this.getHiddenLabel(`${formname}-opt-in`);
      label.setAttribute("for", `${formname}-opt-in`);
      const checkbox = Object.assign(document.createElement("input"), {
        type: "checkbox", id: `${formname}-opt-in`, className: "json-editor-opt-in je-opt-in" });
      const container = document.createElement("span");
      container.append(checkbox, label);
      return { label, checkbox, container };
    };
    // No silent answers: a list with a "Choose one…" placeholder and a number with no default start empty
    // (json-editor would start them on the first option and on 0).
    const selectDefault = editors.select.prototype.getDefault;
    editors.select.prototype.getDefault = function () {
      return this.schema?.options?.has_placeholder_option && this.schema.default === undefined ? undefined
        : selectDefault.call(this);
    };
    for (const kind of ["number", "integer"]) {
      const numberDefault = editors[kind].prototype.getDefault;
      editors[kind].prototype.getDefault = function () {
        return this.schema?.default === undefined ? undefined : numberDefault.call(this);
      };
    }
    // An enum of objects or arrays is shown as HTML built from the schema's keys and values.
    editors.enum.prototype.getHTML = (value) => escape(JSON.stringify(value));
    // A base64 media field shows its MIME type (from the value) as HTML.
    editors.base64.prototype.refreshPreview = function () {
      if (this.last_preview === this.value) return;
      this.last_preview = this.value;
      const mime = this.value?.match(/^data:([^;,]+)[;,]/)?.[1];
      this.preview.textContent = !this.value ? "" : mime ? t("Type: {mime}", { mime }) : t("Invalid data URI");
    };
  })(JSONEditor.defaults.editors);

  /** Every text the form adds, in one place, in the page's language (static/i18n.js). */
  const WORDS = {
    legend: t("Fields marked * are required."),
    required: t("(required)"),
    because: (choice) => t("Required because you chose “{choice}”.", { choice }),
    becauseValue: (field, value) => t("Required because {field} is “{value}”.", { field, value }),
    noFile: t("No file attached yet."),
    attached: t("Attached:"),
    attach: t("Attach a file"),
    replace: t("Replace the file"),
    chooseFor: (title) => t("{title}: choose a file", { title }),
    uploading: t("Uploading…"),
    document: (id) => t("document {id}", { id }),
    yes: t("Yes"), no: t("No"),
    chooseOne: t("Choose one…"),
  };

  (function markRequired(themes) {
    // A required field's label ends in a visible * and, for screen readers, the word "required".
    const mark = (label) => {
      const star = Object.assign(document.createElement("span"), { className: "required-mark", textContent: " *" });
      star.setAttribute("aria-hidden", "true");
      label.append(star, Object.assign(document.createElement("span"), {
        className: "je-visually-hidden", textContent: ` ${WORDS.required}` }));
      return label;
    };
    for (const theme of [JSONEditor.AbstractTheme.prototype, themes.html.prototype]) {
      for (const method of ["getFormInputLabel", "getLabelLike", "getCheckboxLabel"]) {
        if (!Object.prototype.hasOwnProperty.call(theme, method)) continue;
        const original = theme[method];
        theme[method] = function (text, required, ...rest) {
          const label = original.call(this, text, required, ...rest);
          return required && !label.querySelector(".required-mark") ? mark(label) : label;
        };
      }
    }
  })(JSONEditor.defaults.themes);

  (function keepEveryField(editors) {
    // json-editor drops a property that is not required and has no value yet (setValue with a start value,
    // or a switch of if/then): an optional field would never show. A field the form declares stays.
    const remove = editors.object.prototype.removeObjectProperty;
    editors.object.prototype.removeObjectProperty = function (key) {
      if (this.schema?.properties && Object.prototype.hasOwnProperty.call(this.schema.properties, key)) return;
      remove.call(this, key);
    };
  })(JSONEditor.defaults.editors);

  (function decisions(editors, resolvers) {
    // A yes/no decision is two labelled radio buttons, none chosen at first: an untouched form is no answer,
    // never a silent "no". The value stays a boolean (true / false / nothing yet).
    const asBoolean = (value) => (value === true || value === "true" ? true : value === false || value === "false" ? false : undefined);
    class DecisionEditor extends editors.radio {
      preBuild() {
        const titles = this.schema.options?.enum_titles || [WORDS.yes, WORDS.no];
        this.enum_values = [true, false];
        this.enum_options = ["true", "false"];
        this.enum_display = titles.map(String);
      }
      build() {
        super.build();
        for (const radio of this.radioGroup) radio.addEventListener("change", () => this.showChoice());
        this.radioContainer.setAttribute("role", "radiogroup");
        if (this.label?.textContent) this.radioContainer.setAttribute("aria-label", this.label.textContent);
      }
      showChoice() {
        for (const radio of this.radioGroup || []) radio.checked = asBoolean(radio.value) === this.value && this.value !== undefined;
      }
      setValue(value) {
        const chosen = asBoolean(value);
        const changed = chosen !== this.value;
        this.value = chosen;
        this.showChoice();
        if (changed) { this.is_dirty = true; this.onChange(true); }
      }
      getValue() { return this.dependenciesFulfilled ? this.value : undefined; }
      getDefault() { return undefined; }
    }
    editors.decision = DecisionEditor;
    resolvers.unshift((schema) => (schema.type === "boolean" && schema.format === "decision" ? "decision" : undefined));
  })(JSONEditor.defaults.editors, JSONEditor.defaults.resolvers);

  const key = (value) => String(value);  // how x-enum-titles names an option: "true", "vat_special", "3"

  /** `x-enum-titles` (the project's spelling), `oneOf` with const/title: json-editor's `options.enum_titles`. */
  /** A list with no default starts on "Choose one…", not on its first option: nothing is a silent answer. */
  function placeholder(property) {
    if (["string", "integer", "number"].includes(property.type) && Array.isArray(property.enum)
        && property.enum.length > 0 && property.default === undefined) {
      property.options = { ...(property.options || {}), has_placeholder_option: true,
                           placeholder_option_text: WORDS.chooseOne };
    }
  }

  function nameChoices(property) {
    const options = property.oneOf || property.anyOf;
    if (!property.enum && Array.isArray(options) && options.length && options.every((o) => o && "const" in o)) {
      property.enum = options.map((o) => o.const);
      property["x-enum-titles"] = Object.fromEntries(options.map((o) => [key(o.const), o.title ?? String(o.const)]));
      delete property.oneOf; delete property.anyOf;
    }
    const titles = property["x-enum-titles"];
    if (!titles) return;
    if (Array.isArray(property.enum)) {
      property.options = { ...(property.options || {}),
                           enum_titles: property.enum.map((v) => titles[key(v)] ?? String(v)) };
    } else if (property.type === "boolean" && !("const" in property)) {
      property.format = "decision";
      property.options = { ...(property.options || {}),
                           enum_titles: [titles.true ?? WORDS.yes, titles.false ?? WORDS.no] };
    }
  }

  /** Why a branch of `if/then` asks for more: "Required because you chose “Request changes”." */
  function reasonOf(node, condition) {
    const parts = Object.entries(condition?.properties || {});
    if (parts.length !== 1) return null;
    const [field, rule] = parts[0];
    const property = node.properties?.[field] || {};
    const value = "const" in rule ? rule.const : Array.isArray(rule.enum) && rule.enum.length === 1 ? rule.enum[0] : undefined;
    if (value === undefined) return null;
    const title = property["x-enum-titles"]?.[key(value)];
    if (title) return WORDS.because(title);
    if (typeof value === "boolean") return WORDS.becauseValue(property.title || field, value ? WORDS.yes : WORDS.no);
    return WORDS.becauseValue(property.title || field, String(value));
  }

  function conditional(node) {
    if (!node.if || !node.then) return;
    // The condition holds only once its field is answered: an unanswered decision is not "request changes".
    const named = Object.keys(node.if.properties || {});
    node.if = { ...node.if, required: [...new Set([...(node.if.required || []), ...named])] };
    const reason = reasonOf(node, node.if);
    if (!reason) return;
    node.then.properties = node.then.properties || {};
    for (const field of node.then.required || []) {
      const base = node.properties?.[field] || {};
      node.then.properties[field] = { ...(node.then.properties[field] || {}),
                                      description: base.description ? `${reason} ${base.description}` : reason };
    }
  }

  /** json-editor checks bounds as draft 4 wrote them: `"exclusiveMinimum": 0` becomes `minimum: 0` + `true`. */
  function bounds(property) {
    for (const [exclusive, inclusive] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]]) {
      if (typeof property[exclusive] === "number" && property[inclusive] === undefined) {
        property[inclusive] = property[exclusive];
        property[exclusive] = true;
      }
    }
  }

  function prepare(schema, sealed) {
    for (const key of sealed) {
      if (schema.properties) delete schema.properties[key];
      if (Array.isArray(schema.required)) schema.required = schema.required.filter((k) => k !== key);
    }
    const documents = [];
    const labels = [];  // [label path, choice path]: a text field that takes the title of a chosen option
    (function walk(node, path) {
      conditional(node);
      for (const [name, property] of Object.entries(node.properties || {})) {
        const here = `${path}.${name}`;
        if (property.format === "document") {
          documents.push({ path: here, title: property.title || name, capture: property["x-capture"] || null });
          delete property.format;
        }
        if (property["x-label-of"]) {
          labels.push([here, `${path}.${property["x-label-of"]}`]);
          property.options = { ...(property.options || {}), hidden: true };
        }
        nameChoices(property);
        placeholder(property);
        bounds(property);
        if (property.type === "boolean" && !property.format) property.format = "checkbox";
        if (property.type === "object") walk(property, here);
        if (property.type === "array" && property.items && typeof property.items === "object") {
          // Entries read "Open item 1", from the entry's own title (else the list's), never "item 1".
          property.items.title = property.items.title || property.title;
          nameChoices(property.items);
          if (property.items.type === "object") walk(property.items, `${here}.*`);
        }
      }
      for (const branch of ["then", "else"]) if (node[branch]?.properties) walk(node[branch], path);
    })(schema, "root");
    return { documents, labels, anyRequired: /"required":\["/.test(JSON.stringify(schema)) };
  }

  /** The containers json-editor drew for a path; an if/then form draws one per branch: the one shown. */
  function shownContainer(box, path) {
    const all = [...box.querySelectorAll(`[data-schemapath="${CSS.escape(path)}"]`)];
    return all.find((element) => element.offsetParent !== null) || all[0] || null;
  }

  async function mount(box, schema, { startval = {}, editable = true, sealed = [], instanceId = null,
                                      documentNames = {} } = {}) {
    const { documents, labels, anyRequired } = prepare(schema, sealed);
    const editor = new JSONEditor(box, {
      schema, startval, theme: "html", iconlib: null, disable_edit_json: true, disable_properties: true,
      disable_collapse: true, no_additional_properties: true, remove_empty_properties: true,
      show_errors: editable ? "interaction" : "never", prompt_before_delete: false, use_default_values: false,
      display_required_only: false, show_opt_in: false, disable_array_delete_last_row: true,
      disable_array_delete_all_rows: true,
    });
    await new Promise((resolve) => editor.on("ready", resolve));
    if (!editable) editor.disable();
    if (editable && anyRequired) {
      box.before(Object.assign(document.createElement("p"), { className: "muted form-legend", textContent: WORDS.legend }));
    }
    // json-editor takes a text field's value on "change" (when it loses focus): take it as it is typed, so
    // that nothing typed is lost when another field re-renders the form or the form is sent at once.
    box.addEventListener("input", (event) => {
      if (event.target.matches("input:not([type=checkbox]):not([type=radio]):not([type=file]), textarea")) {
        event.target.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    // A refusal's note stays by its field until the person changes that field.
    for (const type of ["input", "change"]) {
      box.addEventListener(type, (event) => {
        for (const note of box.querySelectorAll(".field-error")) {
          if (!note.parentElement.contains(event.target)) continue;
          note.parentElement.classList.remove("has-server-error");
          note.remove();
        }
      });
    }
    for (const [labelPath, choicePath] of labels) linkLabel(editor, labelPath, choicePath);
    for (const field of documents) {
      documentControl(editor, box, field, { editable, instanceId, documentNames, accept: box.dataset.accept || "" });
    }

    function showErrors(errors) {
      for (const old of box.querySelectorAll(".field-error")) old.remove();
      for (const marked of box.querySelectorAll(".has-server-error")) marked.classList.remove("has-server-error");
      const unplaced = [];
      for (const [field, messages] of Object.entries(errors || {})) {
        const container = field ? shownContainer(box, `root.${field}`) : null;
        const note = Object.assign(document.createElement("div"), { className: "field-error",
                                                                   textContent: messages.join(" ") });
        note.dataset.field = field;
        note.setAttribute("role", "alert");
        if (container) {
          container.classList.add("has-server-error");  // the server's words replace json-editor's own there
          container.appendChild(note);
        } else unplaced.push(note.textContent);
      }
      return unplaced;
    }
    return { value: () => editor.getValue(), showErrors, editor };
  }

  function linkLabel(editor, labelPath, choicePath) {
    const choice = editor.getEditor(choicePath);
    const label = editor.getEditor(labelPath);
    if (!choice || !label) return;
    const titles = choice.schema.options?.enum_titles || [];
    const sync = () => {
      const index = (choice.schema.enum || []).indexOf(choice.getValue());
      label.setValue(index >= 0 ? String(titles[index] ?? choice.getValue()) : "");
    };
    editor.watch(choicePath, sync);
    sync();
  }

  /**
   * A document field holds a document's number: a person sees the file's name (a link that downloads it)
   * and a file chooser to attach or replace it, never the number in a box.
   */
  function documentControl(editor, box, { path, title, capture }, { editable, instanceId, documentNames, accept }) {
    const fieldEditor = editor.getEditor(path);
    const container = shownContainer(box, path);
    if (!fieldEditor || !container) return;
    for (const input of container.querySelectorAll("input")) input.hidden = true;
    const control = Object.assign(document.createElement("div"), { className: "document-field" });
    const current = Object.assign(document.createElement("span"), { className: "document-current" });
    const show = (id, name) => {
      current.replaceChildren();
      if (!id) { current.append(Object.assign(document.createElement("span"), { className: "muted", textContent: WORDS.noFile })); return; }
      const link = Object.assign(document.createElement("a"), { href: "#", textContent: name || WORDS.document(id) });
      link.dataset.document = id;
      link.dataset.filename = name || "";
      current.append(`${WORDS.attached} `, link);
    };
    const id = fieldEditor.getValue();
    show(id, documentNames[id]);
    control.append(current);
    if (editable) {
      const choose = Object.assign(document.createElement("label"), { className: "document-choose" });
      const caption = Object.assign(document.createElement("span"), { textContent: id ? WORDS.replace : WORDS.attach });
      const input = Object.assign(document.createElement("input"), { type: "file" });
      input.dataset.documentField = path.replace(/^root\./, "");
      input.setAttribute("aria-label", WORDS.chooseFor(title));
      if (accept) input.accept = accept;
      const status = Object.assign(document.createElement("span"), { className: "muted upload-status" });
      status.setAttribute("aria-live", "polite");
      const upload = (chosen) => async () => {
        if (!chosen.files.length) return;
        const form = new FormData();
        form.append("file", chosen.files[0]);
        if (instanceId) form.append("instance_id", instanceId);
        status.textContent = WORDS.uploading;
        try {
          const stored = await Handoff.api("POST", "/documents", { form });
          fieldEditor.setValue(stored.id);
          fieldEditor.onChange(true);
          show(stored.id, stored.filename);
          caption.textContent = WORDS.replace;
          status.textContent = "";
        } catch (error) {
          status.textContent = Handoff.explain(error);
        }
      };
      input.addEventListener("change", upload(input));
      choose.append(caption, input);
      control.append(choose);
      if (capture) control.append(photoChooser(input.dataset.documentField, title, capture, upload));
      control.append(status);
    }
    container.append(control);
  }

  /**
   * A paper the customer signed is photographed where it lies (`"x-capture": "environment"` on the field):
   * beside the file chooser, a phone offers its back camera; the photo is uploaded as the file would be.
   */
  function photoChooser(field, title, capture, upload) {
    const snap = Object.assign(document.createElement("label"), { className: "document-choose document-photo" });
    const camera = Object.assign(document.createElement("input"), { type: "file", accept: "image/jpeg,image/png" });
    camera.setAttribute("capture", capture);
    camera.dataset.documentPhoto = field;
    camera.setAttribute("aria-label", `${title}: ${t("Take a photo")}`);
    camera.addEventListener("change", upload(camera));
    snap.append(Object.assign(document.createElement("span"), { textContent: t("Take a photo") }), camera);
    return snap;
  }

  /** Sends the form; on refusal shows the server's words and puts field errors by their fields. */
  function onSubmit(button, form, send) {
    button?.addEventListener("click", async () => {
      button.disabled = true;
      // json-editor takes a field's value on "change": let the field being typed in commit it first.
      document.activeElement?.blur();
      await new Promise((resolve) => setTimeout(resolve, 50));
      try {
        await send(form.value());
      } catch (error) {
        const unplaced = [422, 403].includes(error.status) ? form.showErrors(error.body?.errors) : [];
        Handoff.notice([Handoff.explain(error), ...unplaced].join(" "), true);
        button.disabled = false;
      }
    });
  }

  return { mount, onSubmit };
})();
