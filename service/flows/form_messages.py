"""Plain words for a form's validation errors: "Product is required", not "'product' is a required property".

Why: a person reads these next to the field they filled in. The form names every field (its ``title``)
and every option (``x-enum-titles``), so the message can use the same words. Only the messages change:
the errors stay keyed by the field's path, as the API documents.
"""

from __future__ import annotations

NOT_IN_TIME = "could not be checked in time against the form's pattern"

TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number", "boolean": "yes or no",
              "array": "a list", "object": "a group of fields", "null": "empty"}


def _number(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _resolve(root: dict, node):
    """A local ``$ref`` (``#/$defs/risks``) followed; anything else as it is."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        for part in ref[2:].split("/"):
            root = root.get(part, {}) if isinstance(root, dict) else {}
        return root
    return node if isinstance(node, dict) else {}


def _property(root: dict, node: dict, key: str) -> dict:
    """`key`'s schema in `node`, also where only an if/then branch or an allOf part declares it."""
    for part in [node, node.get("then"), node.get("else"), *(node.get("allOf") or [])]:
        if isinstance(part, dict) and isinstance(part.get("properties"), dict) and key in part["properties"]:
            found = _resolve(root, part["properties"][key])
            if found.get("title") or part is node:
                return found
    return {}


def _choice(schema: dict, value) -> str:
    titles = schema.get("x-enum-titles") or {}
    key = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if key in titles:
        return str(titles[key])
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _field(root: dict, path: list) -> tuple[str, dict]:
    """The words a person reads for the field at `path` ("Decision maker 1: Name"), and its schema."""
    node, prefix, title = _resolve(root, root), "", ""
    for step in path:
        if isinstance(step, int):
            items = _resolve(root, node.get("items"))
            prefix = f"{items.get('title') or node.get('title') or 'Entry'} {step + 1}: "
            node = items
        else:
            node = _property(root, node, step)
            title = node.get("title") or str(step).replace("_", " ").capitalize()
    return (prefix + (title or "This form")) if path else "This form", node


def _condition(root: dict, schema_path: list, data_path: list, data) -> tuple[bool, str]:
    """For an error inside an if/then branch: whether the condition's fields were answered, and why it holds."""
    node, here, steps, places, i = _resolve(root, root), data, list(schema_path), list(data_path), 0
    while i < len(steps):
        step = steps[i]
        if step in ("then", "else") and isinstance(node.get("if"), dict):
            fields = node["if"].get("properties") or {}
            answered = isinstance(here, dict) and all(key in here for key in fields)
            if len(fields) == 1 and step == "then":
                [(key, rule)] = fields.items()
                if isinstance(rule, dict) and "const" in rule:
                    chosen = _choice(_resolve(root, (node.get("properties") or {}).get(key, {})), rule["const"])
                    return answered, f" because you chose “{chosen}”"
            return answered, ""
        if step in ("properties", "allOf") and i + 1 < len(steps):
            part = steps[i + 1]
            node = _resolve(root, (node.get(step) or {})[part] if step == "properties" else node[step][part])
            if step == "properties":
                here = here.get(places.pop(0)) if isinstance(here, dict) and places else None
            i += 2
        elif step == "items":
            node = _resolve(root, node.get("items"))
            here = here[places.pop(0)] if isinstance(here, list) and places else None
            i += 1
        else:
            break
    return True, ""


def in_words(error, root: dict, data) -> tuple[str, bool]:
    """One error as a person reads it, and whether it only follows from an unanswered condition (legal's
    reasons "required" while legal has not chosen yet): such an error is left out when another one is shown."""
    text, answered = _words(error, root, data)
    return text, not answered


def _words(error, root: dict, data) -> tuple[str, bool]:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    name, schema = _field(root, path)
    answered, because = _condition(root, list(error.absolute_schema_path), list(error.absolute_path), data)
    return _sentence(error, name, schema, because), answered


def _sentence(error, name: str, schema: dict, because: str) -> str:
    kind, limit = error.validator, error.validator_value
    if kind == "required":
        return f"{name} is required{because}"
    if kind == "minLength":
        return f"{name} cannot be empty{because}" if limit == 1 else f"{name} needs at least {limit} characters"
    if kind == "maxLength":
        return f"{name} can have at most {limit} characters"
    if kind in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        bound = {"minimum": "{} or more", "exclusiveMinimum": "more than {}", "maximum": "{} or less",
                 "exclusiveMaximum": "less than {}"}[kind].format(_number(limit))
        return f"{name} must be {bound}"
    if kind == "type":
        kinds = limit if isinstance(limit, list) else [limit]
        return f"{name} must be {' or '.join(TYPE_WORDS.get(k, k) for k in kinds)}"
    if kind == "enum":
        return f"{name} must be one of: {', '.join(_choice(schema, v) for v in limit)}"
    if kind == "const":
        return f"Please confirm: {name}" if limit is True else f"{name} must be “{_choice(schema, limit)}”"
    if kind == "format":
        return f"{name} must be a date (year-month-day)" if limit == "date" else f"{name} is not a valid {limit}"
    if kind == "pattern":
        return f"{name} {NOT_IN_TIME}" if NOT_IN_TIME in error.message else f"{name} does not match the expected format"
    if kind in ("minItems", "maxItems"):
        count = "one entry" if limit == 1 else f"{limit} entries"
        return f"{name} needs at least {count}" if kind == "minItems" else f"{name} can have at most {count}"
    if kind == "uniqueItems":
        return f"{name} has the same entry twice"
    if kind == "multipleOf":
        return f"{name} must be a multiple of {_number(limit)}"
    if kind == "additionalProperties":
        return f"{name} has a field this form does not have"
    return f"{name}: {error.message}"
