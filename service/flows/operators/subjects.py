"""A notify/escalate subject and facts in every language the diagram translates them to, filled when the
English are.

Why here: the English subject is rendered from the instance data as the service task runs; the
translated templates (`service.engine.translations`) are filled from the same data at the same
moment, so a message delivered later reads the same in each language. A lifecycle stage is a
Handoff word (the board shows it translated, `dashboards.STAGES`): subjects and facts take its
catalog translation rather than each diagram repeating the eight names.
"""

from __future__ import annotations

from service.engine import translations
from service.engine.specs import OperatorCall
from service.i18n import tr

from ..dashboards import STAGES
from .context import OperatorContext

MAX_SUBJECT = 300


def _translations(ctx: OperatorContext):
    version = ctx.instance.process_version
    if version is None:
        return None
    return translations.cached(version.content_hash, lambda: dict(version.files or {}))


def stage_word(value, locale: str):
    """A lifecycle stage's name in ``locale`` (None for anything that is not one)."""
    return tr(locale, value) if isinstance(value, str) and value in STAGES else None


def localized_subjects(ctx: OperatorContext, call: OperatorCall) -> dict[str, str]:
    """``{"zh-CN": "紧急：线索 Acme 已等待 2 小时"}`` (a language without a translation is left out)."""
    found = _translations(ctx)
    if found is None:
        return {}
    subjects = {}
    for locale in translations.LOCALES:
        data = dict(call.data or {})
        if stage_word(data.get("stage"), locale):
            data["stage"] = stage_word(data["stage"], locale)
        text = translations.subject_in(found, call.element_id, locale, data)
        if text:
            subjects[locale] = text[:MAX_SUBJECT]
    return subjects


def localized_facts(ctx: OperatorContext, call: OperatorCall, body: dict) -> dict[str, list[list]]:
    """``{"zh-CN": [["紧急程度", "高"]]}``: the body's facts as each language reads them (a language
    with nothing translated is left out: its readers get the English labels, or the catalog's)."""
    found = _translations(ctx)
    if found is None:
        return {}
    facts = {}
    for locale in translations.LOCALES:
        words = translations.facts_in(found, call.element_id, locale, body,
                                      known=lambda value, loc=locale: stage_word(value, loc))
        if words is not None:
            facts[locale] = words
    return facts
