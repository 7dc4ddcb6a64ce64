"""Join links of online dates and video consultations: which links staff may store, and when
the participant's "Jetzt teilnehmen" button is live.

Who sees a link is decided where the facts of a mail or page are gathered: only confirmed
participants (``registrations.mails.snapshot``, ``consultations.mails.snapshot`` and the
manage pages); pending and waitlisted people never get one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from startsmart.errors import DomainError

MAX_LENGTH = 500  # the columns' length (event_date.online_url and the others)


def checked(url: str | None, field: str) -> str | None:
    """``url`` as it will be stored (None for an empty field), or a DomainError for ``field``
    saying what is wrong: only complete https links, as calendars and mail clients open them
    without a warning (no http, javascript: or mailto:)."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > MAX_LENGTH:
        raise DomainError(
            _(
                "Der Link ist zu lang: höchstens %(max)d Zeichen, Ihrer hat %(num)d.",
                max=MAX_LENGTH,
                num=len(url),
            ),
            field,
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise DomainError(
            _("Der Link darf keine Leerzeichen oder Zeilenumbrüche enthalten."), field
        )
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise DomainError(
            _("Bitte geben Sie einen vollständigen Link an, der mit https:// beginnt."), field
        )
    return url


class Phase(StrEnum):
    """Where the join button stands at a given moment."""

    EARLY = "early"  # shown as "ab <time>"
    OPEN = "open"  # the button works
    OVER = "over"  # the meeting has ended: no button


@dataclass(frozen=True)
class JoinButton:
    url: str
    phase: Phase
    opens_at: datetime


def button(
    url: str | None, starts_at: datetime, ends_at: datetime, now: datetime, lead_minutes: float
) -> JoinButton | None:
    """The "Jetzt teilnehmen" button of a confirmed participant's manage page (None without a
    link): live from ``lead_minutes`` before the start until the end."""
    if not url:
        return None
    opens_at = starts_at - timedelta(minutes=lead_minutes)
    if now >= ends_at:
        phase = Phase.OVER
    elif now >= opens_at:
        phase = Phase.OPEN
    else:
        phase = Phase.EARLY
    return JoinButton(url, phase, opens_at)


def manage_page_button(
    url: str | None, starts_at: datetime, ends_at: datetime, now: datetime
) -> JoinButton | None:
    """``button`` with the configured lead (``JOIN_OPENS_MINUTES_BEFORE``)."""
    lead = current_app.config["JOIN_OPENS_MINUTES_BEFORE"]
    return button(url, starts_at, ends_at, now, lead)
