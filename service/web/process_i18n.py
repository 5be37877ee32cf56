"""Process content in the viewer's language: task, process and element names, forms, and diagrams.

Why one place: the words live in the deployed version's translation files (`service.engine.translations`);
pages only ask "this task's name, for whoever is reading" and get the English when nothing is translated.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import select

from service.engine import translations
from service.store.models import Instance, ProcessVersion

from .formatting import plain_name
from .i18n import current_locale


def _library():
    return current_app.extensions["handoff"].library


def parsed_of(content_hash: str):
    """The parsed version (cached by the spec library); None when it cannot be loaded."""
    try:
        return _library().get(content_hash)
    except Exception:  # noqa: BLE001 - an unusable version still shows its English names
        return None


def _hash_of_instance(instance_id: int) -> str | None:
    """The content hash an instance runs on, remembered for the request (a task list asks per row)."""
    known = g.setdefault("_instance_hashes", {})
    if instance_id not in known:
        with current_app.extensions["handoff"].sessions() as session:
            known[instance_id] = session.scalar(select(ProcessVersion.content_hash).join(
                Instance, Instance.process_version_id == ProcessVersion.id).where(Instance.id == instance_id))
    return known[instance_id]


def task_name(task, locale: str | None = None) -> str:
    """A task's name in the viewer's language (its stored English name otherwise)."""
    locale = locale or current_locale()
    if locale == translations.DEFAULT or task is None:
        return getattr(task, "name", "") or ""
    content_hash = _hash_of_instance(task.instance_id)
    parsed = parsed_of(content_hash) if content_hash else None
    return translations.element_name(parsed, task.element_id, locale, task.name) if parsed else task.name


def process_title(version, locale: str | None = None, rule_ids: bool = False) -> str:
    """A version's process name for people (``ProcessVersion`` or an ``Instance``), rule ids left out
    (kept with `rule_ids`: designers read them)."""
    version = getattr(version, "process_version", version)
    if version is None:
        return ""
    plain = (lambda name: name) if rule_ids else plain_name
    english = plain(version.name) or version.process_id.replace("_", " ")
    locale = locale or current_locale()
    if locale == translations.DEFAULT:
        return english
    parsed = parsed_of(version.content_hash)
    found = translations.process_name(parsed, version.process_id, locale) if parsed else None
    return plain(found).strip() if found else english


def localized_form(parsed, form_key: str | None, schema: dict | None, locale: str | None = None) -> dict | None:
    """The form json-editor gets: titles, descriptions and option titles in the viewer's language."""
    if schema is None or not form_key:
        return schema
    return translations.form_in(schema, locale or current_locale(), source=parsed, form_key=form_key)


def localized_xml(xml: str, parsed, locale: str | None = None) -> str:
    """The diagram with its ``name`` attributes translated: bpmn-js draws names from the XML."""
    return translations.diagram_in(xml, parsed, locale or current_locale())


def register(app: Flask) -> None:
    """Jinja: ``{{ task | task_name }}``, ``{{ instance.process_version | process_title }}``."""
    app.jinja_env.filters.update(task_name=task_name, process_title=process_title)
