"""The e-mail channel: a text and an HTML part over SMTP (standard library ``smtplib`` and ``email``).

The ``Message-ID`` is derived from the outbox row, so if a send is ever repeated
(a worker died between the server's "250 OK" and recording it) the copy carries
the same id, and mail clients and archives recognise it as the same message.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from service.i18n import normalize
from service.store.models import Outbox, User

from .notice import notice_of

# Python folds a long Subject right after "Subject:", which some readers show with a leading space;
# RFC 5322 allows 998 characters a line, and subjects are at most 300.
HEADERS_UNFOLDED = policy.SMTP.clone(max_line_length=998)


class EmailChannel:
    def __init__(self, settings, base_url: str, routing=None, default_locale: str = "en"):
        """`settings`: a `service.config.SmtpSettings`, or None when no mail server is configured;
        `routing` knows group mailboxes' languages (`integrations.routing.Routing`)."""
        self.settings, self.base_url = settings, base_url
        self.routing, self.default_locale = routing, default_locale

    def prepare(self, session: Session, row: Outbox) -> EmailMessage:
        if self.settings is None:
            raise LookupError("e-mail is not configured: set HANDOFF_SMTP_HOST")
        address = row.payload.get("to")
        if not address:
            raise ValueError("an e-mail delivery needs an address ('to')")
        person = session.get(User, row.recipient_id) if row.recipient_id else None
        locale = recipient_locale(person, self.routing.mailbox_locale(address) if self.routing else None,
                                  self.default_locale)
        notice = notice_of(row, self.base_url, person.username if person else None, locale=locale)
        message = EmailMessage(policy=HEADERS_UNFOLDED)
        message["Subject"] = notice.subject
        message["From"] = self.settings.sender
        message["To"] = formataddr((person.display_name, address)) if person else address
        message["Date"] = format_datetime(row.created_at)
        message["Message-ID"] = message_id(row, self.base_url)
        message["Auto-Submitted"] = "auto-generated"  # no vacation auto-replies to a robot
        message["X-Handoff-Delivery"] = str(row.id)
        message.set_content(notice.as_text())
        message.add_alternative(notice.as_html(), subtype="html")
        message["Content-Language"] = notice.locale  # after the parts: they would take Content-* headers along
        return message

    def transmit(self, message: EmailMessage) -> None:
        settings = self.settings
        if settings.tls == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_s, context=_tls())
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        try:
            if settings.tls == "starttls":
                smtp.starttls(context=_tls())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)
        finally:
            # Once the server said 250 the message is sent: a failing QUIT must not turn it into a retry.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
            smtp.close()


@functools.cache
def _tls() -> ssl.SSLContext:
    """The system's trust store, loaded once (tens of milliseconds each time otherwise)."""
    return ssl.create_default_context()


def recipient_locale(person: User | None, entry_locale: str | None, default: str) -> str:
    """Whose language a delivery speaks: the person's own, else their entry's (a group's), else the default."""
    return normalize(person.locale if person else None) or normalize(entry_locale) or normalize(default) or "en"


def message_id(row: Outbox, base_url: str) -> str:
    """``<handoff.ID.DIGEST@host>``: the same for every attempt at this row, different for any other row."""
    digest = hashlib.sha256(row.dedup_key.encode()).hexdigest()[:12]
    host = urlsplit(base_url).hostname or "handoff.invalid"
    return f"<handoff.{row.id}.{digest}@{host}>"
