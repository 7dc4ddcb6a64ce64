"""Dates as calendar entries: the .ics download of one date and the public feed of all dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from startsmart.catalog import service
from startsmart.catalog.models import EventDate, EventDateStatus, OfferingFormat
from startsmart.i18n import localized
from startsmart.invitations.ical import CalendarEvent, Method, build_calendar
from startsmart.links import public_url


def offering_url(offering) -> str:
    """The public page of an offering (or of its facts in a queued mail). A regional
    conference's internal offering shares the conference's slug; its page is the conference's."""
    if offering.format == OfferingFormat.CONFERENCE:
        return public_url("conferences.detail", slug=offering.slug)
    return public_url("catalog.offering", slug=offering.slug)


def date_entry(date: EventDate) -> CalendarEvent:
    """A date as published to everybody: what, when, where; no people."""
    page = offering_url(date.offering)
    # In the language of whoever downloads it (the feed: the default's, German).
    summary = f"Start Smart: {localized(date.offering, 'title')}"
    about = localized(date.offering, "summary")
    note = localized(date, "note")
    if note:
        about = f"{about}\n\n{_('Hinweis: %(note)s', note=note)}"
    cancelled = date.status is EventDateStatus.CANCELLED
    if cancelled:
        # Most calendars show STATUS:CANCELLED nowhere; the title says it. Nothing about
        # access or registering: there is none.
        summary = _("Abgesagt: %(summary)s", summary=summary)
        lines = [about, _("Dieser Termin ist abgesagt.")]
    elif date.venue:
        lines = [about, date.venue, _("Anmeldung: %(url)s", url=page)]
    else:
        where = _("Online (den Link erhalten Sie mit der Bestätigung Ihrer Anmeldung)")
        lines = [about, where, _("Anmeldung: %(url)s", url=page)]
    return CalendarEvent(
        uid=date.ical_uid,
        sequence=date.ical_sequence,
        starts_at=date.starts_at,
        ends_at=date.ends_at,
        summary=summary,
        description="\n\n".join(lines),
        location=date.venue or _("Online"),
        url=page,
        cancelled=cancelled,
    )


def publish(dates: Sequence[EventDate], now: datetime, name: str | None = None) -> bytes:
    return build_calendar(Method.PUBLISH, [date_entry(d) for d in dates], now, name=name)


# Subscribed calendars fetch the feed again after this long (Google decides for itself).
FEED_REFRESH = timedelta(hours=1)
# The DTSTAMP of an empty feed: any fixed moment keeps its bytes (and ETag) the same.
FEED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def public_feed(now: datetime) -> bytes:
    """The feed people subscribe to: every public date and regional conference from
    ``CALENDAR_FEED_PAST_DAYS`` ago on, cancelled ones as cancelled.

    DTSTAMP is the latest change of a listed date, not ``now``, so that the same content is
    the same bytes and the feed's ETag changes only when the content does."""
    keep = timedelta(days=current_app.config["CALENDAR_FEED_PAST_DAYS"])
    dates = service.feed_dates(now - keep)
    unchanged_since = max((d.updated_at for d in dates), default=FEED_EPOCH)
    return build_calendar(
        Method.PUBLISH,
        [date_entry(d) for d in dates],
        unchanged_since,
        name="Start Smart – Termine",
        refresh=FEED_REFRESH,
    )
