"""Server-side validation of submitted task data against the task's JSON Schema form.

A form is closed: a key it does not declare is refused, so a person completing one
task cannot rewrite what another task (or another person) decided.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from service.engine import translations
from service.engine.form_patterns import PatternTimeout, search
from service.i18n import Text

from .errors import FormInvalid
from .form_messages import NOT_IN_TIME, in_languages


def _pattern(validator, pattern, instance, schema):
    """Draft 2020-12's ``pattern``, matched with a time limit (`form_patterns.search`)."""
    if not validator.is_type(instance, "string"):
        return
    try:
        if not search(pattern, instance):
            yield ValidationError(f"{instance!r} does not match {pattern!r}")
    except PatternTimeout:
        yield ValidationError(NOT_IN_TIME)


def _pattern_properties(validator, patterns, instance, schema):
    """Draft 2020-12's ``patternProperties``, its keys matched with the same time limit."""
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            try:
                matched = search(pattern, key)
            except PatternTimeout:
                yield ValidationError(f"the key {key!r} {NOT_IN_TIME}", path=[key])
                continue
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


BoundedValidator = validators.extend(Draft202012Validator, {"pattern": _pattern,
                                                            "patternProperties": _pattern_properties})


def translated(parsed, form_key: str | None):
    """The form in a locale, asked for only when there are errors to word (`translations.form_in`)."""
    if not form_key:
        return None
    return lambda locale: translations.form_in(parsed.forms.get(form_key), locale, source=parsed, form_key=form_key)


def validate(schema: dict | None, data: dict, words=None) -> None:
    """Raises `FormInvalid` naming every field in error; a task without a form takes no data.
    ``words(locale)`` gives the form in a locale (`translated`): each error then names fields by the
    titles its reader's language gives them."""
    if not isinstance(data, dict):
        raise FormInvalid(Text("the form data must be a JSON object"), {"": [Text("must be an object")]})
    if schema is None:
        if data:
            raise FormInvalid(Text("this task has no form"), {key: [Text("this task takes no data")] for key in data})
        return
    errors: dict[str, list[str | Text]] = {}
    declared = set(schema.get("properties", {}))
    if schema.get("additionalProperties") is not True:
        for key in sorted(set(data) - declared):
            errors[key] = [Text("not a field of this form")]
    in_locales = {}
    wrong = sorted(_validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path])
    if wrong and words is not None:
        in_locales = {locale: words(locale) for locale in translations.LOCALES}
    found = [(_field_of(error), *in_languages(error, schema, data, in_locales)) for error in wrong]
    shown = [row for row in found if not row[2]] or found
    for field, text, _ in shown:
        if str(text) not in [str(seen) for seen in errors.get(field, [])]:
            errors.setdefault(field, []).append(text)
    if errors:
        raise FormInvalid(Text("Please correct the field marked below.") if len(errors) == 1
                          else Text("Please correct the %(n)s fields marked below.", n=len(errors)), errors)


_validators: dict[int, tuple[dict, Draft202012Validator]] = {}


def _validator(schema: dict) -> Draft202012Validator:
    """Forms are parsed once per process version and kept; so are their validators."""
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (schema, BoundedValidator(schema, format_checker=FormatChecker()))
    return cached[1]


def _field_of(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(p for p in path if p)
