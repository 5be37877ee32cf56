// json-editor's own words (its buttons and the messages it shows as a field is filled in) in the page's language:
// loaded after vendor/jsoneditor.js and before json_form.js, on every page with a form.
"use strict";

(() => {
  // json-editor's own messages and buttons, shown as a field is filled in: plain words, no schema terms, in the
  // page's language. {{0}} is json-editor's placeholder (the field, the number); it stays in every translation.
  const EDITOR_WORDS = {
    error_notset: t("Please fill this in"), error_notempty: t("Please fill this in"),
    error_enum: t("Choose one of the options"), error_const: t("Please confirm this"),
    error_type: t("This is not the kind of value expected here"),
    error_type_union: t("This is not the kind of value expected here"),
    error_minimum_excl: t("Must be more than {{0}}"), error_minimum_incl: t("Must be {{0}} or more"),
    error_maximum_excl: t("Must be less than {{0}}"), error_maximum_incl: t("Must be {{0}} or less"),
    error_multipleOf: t("Must be a multiple of {{0}}"),
    error_minLength: t("Please write at least {{0}} characters"),
    error_maxLength: t("Please write at most {{0}} characters"),
    error_pattern: t("This is not in the expected format"), error_minItems: t("Please add at least {{0}}"),
    error_maxItems: t("Please add at most {{0}}"), error_uniqueItems: t("Each entry may appear only once"),
    error_required: t("Please fill in {{0}}"),
    error_additional_properties: t("{{0}} is not a field of this form"), error_date: t("Please give a date"),
    error_time: t("Please give a time"), error_datetime_local: t("Please give a date and time"),
    error_oneOf: t("Choose one of the options"), error_anyOf: t("Choose one of the options"),
    error_not: t("This value is not allowed here"), error_dependency: t("Please fill in {{0}} too"),
    default_array_item_title: t("entry"), button_add: t("Add"), button_add_row_title: t("Add {{0}}"),
    button_delete_row_title_short: t("Remove"), button_delete_row_title: t("Remove {{0}}"),
    button_delete_last: t("Last {{0}}"), button_delete_last_title: t("Remove the last {{0}}"),
    button_delete_all: t("All"), button_delete_all_title: t("Remove all"),
    button_move_down_title: t("Move down"), button_move_up_title: t("Move up"),
    button_copy_row_title: t("Copy {{0}}"), button_copy_row_title_short: t("Copy"),
    button_collapse: t("Collapse"), button_expand: t("Expand"), button_save: t("Save"),
    button_cancel: t("Cancel"), button_copy: t("Copy"), button_upload: t("Upload"),
    button_edit_json: t("Edit JSON"), button_object_properties: t("Object properties"),
    button_properties: t("Properties"),
    button_delete_node_warning: t("Remove this entry?"), table_controls: t("Controls"),
    upload_max_size: t("The file is too large. The largest allowed: "),
    upload_wrong_file_format: t("This kind of file is not accepted. Accepted: "),
    choices_placeholder_text: t("Start typing to add a value"),
    flatpickr_toggle_button: t("Open the calendar"), flatpickr_clear_button: t("Clear"),
  };
  const LANGUAGES = JSONEditor.defaults.languages;
  if (I18n.locale === "en" || !I18n.locale) Object.assign(LANGUAGES.en, EDITOR_WORDS);
  else {
    LANGUAGES[I18n.locale] = { ...LANGUAGES.en, ...EDITOR_WORDS };
    JSONEditor.defaults.language = I18n.locale;
  }
})();
