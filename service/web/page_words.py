"""Words the manager and admin pages show for stored values: stages, statuses, amounts, people lists.

Why here: a stage is stored in English as the lifecycle diagram names it ("Contract co-signing"), and
a page shows it in the reader's language; the msgids are marked where they are defined
(`service.flows.dashboards.STAGES`), so the catalog has them and the data keeps its English.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import Flask
from flask_babel import gettext

from service import i18n
from service.flows.dashboards import N_, STAGES

from .i18n import current_locale

STATUSES = {"running": N_("running"), "error": N_("error"), "suspended": N_("suspended"),
            "completed": N_("completed"), "cancelled": N_("cancelled")}
LANGUAGE_UNSET = N_("as the browser says")
CHANNELS = {"inapp": N_("in-app inbox"), "email": N_("e-mail"), "webhook": N_("webhook"),
            "wecom": N_("WeCom"), "wecom_app": N_("WeCom application"), "dingtalk": N_("DingTalk"),
            "feishu": N_("Feishu"), "slack": N_("Slack"), "teams": N_("Microsoft Teams"),
            "finance": N_("finance system"), "crm": N_("CRM")}
TOPICS = {"notify": N_("notification"), "escalate": N_("escalation"), "push": N_("push to a system"),
          "incident": N_("incident"), "customer_changed": N_("customer change"), "won_reminder": N_("won reminder")}


def stage_label(stage: str | None) -> str:
    """A lifecycle stage in the page's language; a stage no catalog knows (another diagram's) as it is."""
    if not stage:
        return ""
    return gettext(stage) if stage in STAGES else stage


def status_label(status: str | None) -> str:
    return gettext(STATUSES[status]) if status in STATUSES else (status or "")


def channel_label(channel: str | None) -> str:
    return gettext(CHANNELS[channel]) if channel in CHANNELS else (channel or "")


def topic_label(topic: str | None) -> str:
    """What an outbox row is about; a topic no catalog knows reads as words (``won_reminder`` → won reminder)."""
    return gettext(TOPICS[topic]) if topic in TOPICS else (topic or "").replace("_", " ")


RESOLUTIONS = {"retried": N_("retried"), "skipped": N_("skipped"), "cancelled": N_("cancelled"),
               "completed": N_("completed")}


def resolution_label(resolution: str | None) -> str:
    """How an incident was resolved (`retried`, `skipped`, ...) in the page's language."""
    return gettext(RESOLUTIONS[resolution]) if resolution in RESOLUTIONS else (resolution or "")


def amount(value) -> str:
    """`1,234,567.00` in the page's locale (grouping and decimal signs)."""
    try:
        return format_decimal(value, format="#,##0.00", locale=i18n.babel_locale(current_locale()))
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


def people_list(names) -> str:
    """Names joined as the page's language lists them (``A, B`` / ``A、B``)."""
    return gettext(", ").join(str(name) for name in names)


def language_name(tag: str | None) -> str:
    """A person's language in its own words (简体中文, English), or that the browser decides."""
    return i18n.NAMES.get(tag) or gettext(LANGUAGE_UNSET)


def register_page_words(app: Flask) -> None:
    app.jinja_env.filters.update(stage_label=stage_label, status_label=status_label, amount=amount,
                                 people_list=people_list, language_name=language_name,
                                 channel_label=channel_label, topic_label=topic_label,
                                 resolution_label=resolution_label)
