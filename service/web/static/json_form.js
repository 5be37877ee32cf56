// One JSON Schema form renderer for every page (json-editor): sealed keys left out, document fields uploaded,
// choices named, and the API's field errors shown next to their fields.
"use strict";

const JsonForm = (() => {
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
