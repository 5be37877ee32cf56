"""Plain words for a form's validation errors: "Product is required", not "'product' is a required property".

Why: a person reads these next to the field they filled in. The form names every field (its ``title``)
and every option (``x-enum-titles``), so the message can use the same words. Only the messages change:
the errors stay keyed by the field's path, as the API documents. Each message is a `Text`, rendered in
the reader's language where it is shown. Field and option titles are the form's own words: `in_languages`
words an error from each translation of the form too, and the reader gets theirs ("「合同金额」…").
"""

from __future__ import annotations

from service.i18n import Text

NOT_IN_TIME = "could not be checked in time against the form's pattern"

TYPE_WORDS = {"string": Text("text"), "number": Text("a number"), "integer": Text("a whole number"),
              "boolean": Text("yes or no"), "array": Text("a list"), "object": Text("a group of fields"),
              "null": Text("empty")}
BOUNDS = {"minimum": Text("%(name)s must be %(limit)s or more"),
          "exclusiveMinimum": Text("%(name)s must be more than %(limit)s"),
          "maximum": Text("%(name)s must be %(limit)s or less"),
          "exclusiveMaximum": Text("%(name)s must be less than %(limit)s")}


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


def _choice(schema: dict, value) -> str | Text:
    titles = schema.get("x-enum-titles") or {}
    key = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if key in titles:
        return str(titles[key])
    if isinstance(value, bool):
        return Text("Yes") if value else Text("No")
    return str(value)


def _field(root: dict, path: list) -> tuple[str | Text, dict]:
    """The words a person reads for the field at `path` ("Decision maker 1: Name"), and its schema."""
    node, entry, title = _resolve(root, root), None, ""
    for step in path:
        if isinstance(step, int):
            items = _resolve(root, node.get("items"))
            entry = (items.get("title") or node.get("title") or Text("Entry"), step + 1)
            node = items
        else:
            node = _property(root, node, step)
            title = node.get("title") or str(step).replace("_", " ").capitalize()
    if not path:
        return Text("This form"), node
    name = title or Text("This form")
    if entry is not None:
        name = Text("%(entry)s %(n)s: %(field)s", entry=entry[0], n=entry[1], field=name)
    return name, node


def _condition(root: dict, schema_path: list, data_path: list, data) -> tuple[bool, str | Text]:
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
                    return answered, Text(" because you chose “%(choice)s”", choice=chosen)
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


class InLanguages(Text):
    """One error as each translation of the form words it: the reader's, else the English form's."""

    def __init__(self, english: Text, translated: dict[str, Text]):
        super().__init__(english.msgid, **english.params)
        object.__setattr__(self, "translated", translated)

    def render(self, locale: str | None) -> str:
        own = self.translated.get(locale or "")
        return own.render(locale) if own is not None else super().render(locale)


def in_languages(error, root: dict, data, forms: dict[str, dict]) -> tuple[Text, bool]:
    """`in_words`, also worded from ``forms`` (locale -> the form in that locale, same rules and paths)."""
    text, conditional = in_words(error, root, data)
    translated = {locale: in_words(error, form, data)[0] for locale, form in forms.items()
                  if isinstance(form, dict) and form is not root}
    return (InLanguages(text, translated) if translated else text), conditional


def in_words(error, root: dict, data) -> tuple[Text, bool]:
    """One error as a person reads it, and whether it only follows from an unanswered condition (legal's
    reasons "required" while legal has not chosen yet): such an error is left out when another one is shown."""
    text, answered = _words(error, root, data)
    return text, not answered


def _words(error, root: dict, data) -> tuple[Text, bool]:
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    name, schema = _field(root, path)
    answered, because = _condition(root, list(error.absolute_schema_path), list(error.absolute_path), data)
    return _sentence(error, name, schema, because), answered


def _sentence(error, name: str | Text, schema: dict, because: str | Text) -> Text:
    kind, limit = error.validator, error.validator_value
    if kind == "required":
        return Text("%(name)s is required%(because)s", name=name, because=because)
    if kind == "minLength":
        return (Text("%(name)s cannot be empty%(because)s", name=name, because=because) if limit == 1
                else Text("%(name)s needs at least %(n)s characters", name=name, n=limit))
    if kind == "maxLength":
        return Text("%(name)s can have at most %(n)s characters", name=name, n=limit)
    if kind in BOUNDS:
        return Text(BOUNDS[kind].msgid, name=name, limit=_number(limit))
    if kind == "type":
        kinds = limit if isinstance(limit, list) else [limit]
        words = [TYPE_WORDS.get(k, k) for k in kinds]
        either = words[0]
        for word in words[1:]:
            either = Text("%(first)s or %(second)s", first=either, second=word)
        return Text("%(name)s must be %(kind)s", name=name, kind=either)
    if kind == "enum":
        choices = _listed([_choice(schema, v) for v in limit])
        return Text("%(name)s must be one of: %(choices)s", name=name, choices=choices)
    if kind == "const":
        return (Text("Please confirm: %(name)s", name=name) if limit is True
                else Text("%(name)s must be “%(choice)s”", name=name, choice=_choice(schema, limit)))
    if kind == "format":
        return (Text("%(name)s must be a date (year-month-day)", name=name) if limit == "date"
                else Text("%(name)s is not a valid %(format)s", name=name, format=limit))
    if kind == "pattern":
        return (Text("%(name)s could not be checked in time against the form's pattern", name=name)
                if NOT_IN_TIME in error.message else Text("%(name)s does not match the expected format", name=name))
    if kind in ("minItems", "maxItems"):
        if kind == "minItems":
            return (Text("%(name)s needs at least one entry", name=name) if limit == 1
                    else Text("%(name)s needs at least %(n)s entries", name=name, n=limit))
        return (Text("%(name)s can have at most one entry", name=name) if limit == 1
                else Text("%(name)s can have at most %(n)s entries", name=name, n=limit))
    if kind == "uniqueItems":
        return Text("%(name)s has the same entry twice", name=name)
    if kind == "multipleOf":
        return Text("%(name)s must be a multiple of %(n)s", name=name, n=_number(limit))
    if kind == "additionalProperties":
        return Text("%(name)s has a field this form does not have", name=name)
    return Text("%(name)s: %(problem)s", name=name, problem=error.message)



def _listed(choices: list) -> list | str | Text:
    """Several options as a list parameter: `Text` joins them in the reader's way (", " / "、")."""
    return choices if len(choices) > 1 else (choices[0] if choices else "")
