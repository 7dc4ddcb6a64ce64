"""What staff read of the outbox: a search over recipient and subject in pages, and one message
taken apart (headers, text, calendar part) the way a mail client would show it, with its
delivery attempts.

Personal links (manage, confirm, phone view, calendar feed) carry a token that acts for the
person; on screen they are cut short, so a shoulder or a screenshot does not hand them on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.invitations.models import DeliveryAttempt, OutboxMessage, OutboxStatus

PAGE_SIZE = 100
# The path segments after which a token follows (registrations, consultations, speed-dating
# phone view, the advisor's calendar feed).
_TOKEN_AFTER = re.compile(r"(/(?:anmeldung|beratung|sd|kalender/beratungen)/)([A-Za-z0-9_\-]{6,})")
SHOWN_HEADERS = ("From", "To", "Reply-To", "Subject", "Date", "Message-ID")


@dataclass(frozen=True)
class Page:
    messages: list[OutboxMessage]
    number: int  # 1-based
    pages: int
    total: int


def find(text: str, status: OutboxStatus | None, number: int) -> Page:
    """Newest first; ``text`` matches anywhere in the recipient or the subject, any case."""
    where = []
    text = " ".join(text.split())
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        where.append(
            sa.or_(
                OutboxMessage.recipient.ilike(pattern, escape="\\"),
                OutboxMessage.subject.ilike(pattern, escape="\\"),
            )
        )
    if status is not None:
        where.append(OutboxMessage.status == status)
    total = db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id)).where(*where)
    ).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(number, 1), pages)
    messages = (
        db.session.execute(
            sa.select(OutboxMessage)
            .where(*where)
            .order_by(OutboxMessage.id.desc())
            .limit(PAGE_SIZE)
            .offset((number - 1) * PAGE_SIZE)
        )
        .scalars()
        .all()
    )
    return Page(list(messages), number, pages, total)


def attempts(message: OutboxMessage) -> list[DeliveryAttempt]:
    """The message's delivery attempts, newest first."""
    return list(
        db.session.execute(
            sa.select(DeliveryAttempt)
            .where(DeliveryAttempt.message_id == message.id)
            .order_by(DeliveryAttempt.at.desc(), DeliveryAttempt.id.desc())
        ).scalars()
    )


def without_tokens(text: str) -> str:
    return _TOKEN_AFTER.sub(lambda m: m.group(1) + m.group(2)[:4] + "…", text)


@dataclass(frozen=True)
class Shown:
    """A composed message as staff see it; ``composed`` False: still an intent (composed when
    the worker takes it)."""

    composed: bool
    language: str  # the mail's own (Content-Language): its text is not the page's language
    headers: list[tuple[str, str]]
    text: str
    calendar: str | None
    calendar_method: str | None


def taken_apart(message: OutboxMessage) -> Shown:
    if message.raw is None:
        return Shown(False, "de", [], "", None, None)
    parsed = message_from_bytes(message.raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)  # policy.default builds EmailMessage
    headers = [(name, str(parsed[name])) for name in SHOWN_HEADERS if parsed[name] is not None]
    body = parsed.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    calendar = method = None
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar" and isinstance(part, EmailMessage):
            calendar, method = part.get_content(), part.get_param("method")
            break
    return Shown(
        True,
        str(parsed["Content-Language"] or "de"),
        headers,
        without_tokens(text),
        without_tokens(calendar) if calendar is not None else None,
        str(method) if method else None,
    )
