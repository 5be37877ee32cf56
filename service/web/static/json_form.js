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
    // An enum of objects or arrays is shown as HTML built from the schema's keys and values.
    editors.enum.prototype.getHTML = (value) => escape(JSON.stringify(value));
    // A base64 media field shows its MIME type (from the value) as HTML.
    editors.base64.prototype.refreshPreview = function () {
      if (this.last_preview === this.value) return;
      this.last_preview = this.value;
      const mime = this.value?.match(/^data:([^;,]+)[;,]/)?.[1];
      this.preview.textContent = !this.value ? "" : mime ? `Type: ${mime}` : "Invalid data URI";
    };
  })(JSONEditor.defaults.editors);

  function prepare(schema, sealed) {
    for (const key of sealed) {
      if (schema.properties) delete schema.properties[key];
      if (Array.isArray(schema.required)) schema.required = schema.required.filter((k) => k !== key);
    }
    const documents = [];
    const labels = [];  // [label path, choice path]: a text field that takes the title of a chosen option
    (function walk(node, path) {
      for (const [key, property] of Object.entries(node.properties || {})) {
        const here = `${path}.${key}`;
        if (property.format === "document") {
          documents.push(here);
          delete property.format;
          property.description = `${property.description ? property.description + " — " : ""}upload the file below`;
        }
        if (property["x-label-of"]) {
          labels.push([here, `${path}.${property["x-label-of"]}`]);
          property.options = { ...(property.options || {}), hidden: true };
        }
        if (property.type === "boolean" && !property.format) property.format = "checkbox";
        if (property.type === "object") walk(property, here);
        if (property.type === "array" && property.items?.type === "object") walk(property.items, `${here}.*`);
      }
    })(schema, "root");
    return { documents, labels };
  }

  async function mount(box, schema, { startval = {}, editable = true, sealed = [], instanceId = null } = {}) {
    const { documents, labels } = prepare(schema, sealed);
    const editor = new JSONEditor(box, {
      schema, startval, theme: "html", iconlib: null, disable_edit_json: true, disable_properties: true,
      disable_collapse: true, no_additional_properties: true, remove_empty_properties: true,
      show_errors: "never", prompt_before_delete: false, use_default_values: false,
    });
    await new Promise((resolve) => editor.on("ready", resolve));
    if (!editable) editor.disable();
    // json-editor takes a text field's value on "change" (when it loses focus): take it as it is typed, so
    // that nothing typed is lost when another field re-renders the form or the form is sent at once.
    box.addEventListener("input", (event) => {
      if (event.target.matches("input:not([type=checkbox]):not([type=file]), textarea")) {
        event.target.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    for (const [labelPath, choicePath] of labels) linkLabel(editor, labelPath, choicePath);
    if (editable) for (const path of documents) addUpload(editor.getEditor(path), path, instanceId);

    function showErrors(errors) {
      for (const old of box.querySelectorAll(".field-error")) old.remove();
      const unplaced = [];
      for (const [field, messages] of Object.entries(errors || {})) {
        const fieldEditor = field ? editor.getEditor(`root.${field}`) : null;
        const note = Object.assign(document.createElement("div"), { className: "field-error",
                                                                   textContent: messages.join("; ") });
        note.dataset.field = field;
        if (fieldEditor) fieldEditor.container.appendChild(note); else unplaced.push(`${field || "form"}: ${note.textContent}`);
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

  function addUpload(fieldEditor, path, instanceId) {
    if (!fieldEditor) return;
    const input = Object.assign(document.createElement("input"), { type: "file" });
    input.dataset.documentField = path.replace(/^root\./, "");
    const status = Object.assign(document.createElement("span"), { className: "muted upload-status" });
    input.addEventListener("change", async () => {
      const form = new FormData();
      form.append("file", input.files[0]);
      if (instanceId) form.append("instance_id", instanceId);
      status.textContent = " uploading…";
      try {
        const stored = await Handoff.api("POST", "/documents", { form });
        fieldEditor.setValue(stored.id);
        status.textContent = ` uploaded ${stored.filename} (document ${stored.id})`;
      } catch (error) {
        status.textContent = ` ${Handoff.explain(error)}`;
      }
    });
    fieldEditor.container.append(input, status);
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
