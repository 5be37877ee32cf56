"""A notify/escalate subject in every language the diagram translates it to, filled when the English is.

Why here: the English subject is rendered from the instance data as the service task runs; the
translated templates (`service.engine.translations`) are filled from the same data at the same
moment, so a message delivered later reads the same in each language.
"""

from __future__ import annotations

from service.engine import translations
from service.engine.specs import OperatorCall

from .context import OperatorContext

MAX_SUBJECT = 300


def localized_subjects(ctx: OperatorContext, call: OperatorCall) -> dict[str, str]:
    """``{"zh-CN": "紧急：线索 Acme 已等待 2 小时"}`` (a language without a translation is left out)."""
    version = ctx.instance.process_version
    if version is None:
        return {}
    found = translations.cached(version.content_hash, lambda: dict(version.files or {}))
    subjects = {}
    for locale in translations.LOCALES:
        text = translations.subject_in(found, call.element_id, locale, call.data or {})
        if text:
            subjects[locale] = text[:MAX_SUBJECT]
    return subjects
