"""Server-side validation of submitted task data against the task's JSON Schema form.

A form is closed: a key it does not declare is refused, so a person completing one
task cannot rewrite what another task (or another person) decided.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator, FormatChecker

from .errors import FormInvalid


def validate(schema: dict | None, data: dict) -> None:
    """Raises `FormInvalid` naming every field in error; a task without a form takes no data."""
    if not isinstance(data, dict):
        raise FormInvalid("the form data must be a JSON object", {"": ["must be an object"]})
    if schema is None:
        if data:
            raise FormInvalid("this task has no form", {key: ["this task takes no data"] for key in data})
        return
    errors: dict[str, list[str]] = {}
    declared = set(schema.get("properties", {}))
    if schema.get("additionalProperties") is not True:
        for key in sorted(set(data) - declared):
            errors[key] = ["not a field of this form"]
    for error in sorted(_validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        errors.setdefault(_field_of(error), []).append(error.message)
    if errors:
        raise FormInvalid(f"{len(errors)} field(s) are invalid", errors)


_validators: dict[int, tuple[dict, Draft202012Validator]] = {}


def _validator(schema: dict) -> Draft202012Validator:
    """Forms are parsed once per process version and kept; so are their validators."""
    cached = _validators.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _validators[id(schema)] = (schema, Draft202012Validator(schema, format_checker=FormatChecker()))
    return cached[1]


def _field_of(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(p for p in path if p)
