"""Dates as calendar entries: the .ics download of one date and the public feed of all dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from startsmart.catalog.models import EventDate, EventDateStatus, OfferingFormat
from startsmart.invitations.ical import CalendarEvent, Method, build_calendar
from startsmart.links import public_url


def uid_domain() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "startsmart"


def offering_url(offering) -> str:
    """The public page of an offering (or of its facts in a queued mail). A regional
    conference's internal offering shares the conference's slug; its page is the conference's."""
    if offering.format == OfferingFormat.CONFERENCE:
        return public_url("conferences.detail", slug=offering.slug)
    return public_url("catalog.offering", slug=offering.slug)


def date_entry(date: EventDate) -> CalendarEvent:
    """A date as published to everybody: what, when, where; no people."""
    page = offering_url(date.offering)
    if date.venue:
        where = date.venue
    else:
        where = _("Online (den Link erhalten Sie mit der Bestätigung Ihrer Anmeldung)")
    description = "\n\n".join([date.offering.summary, where, _("Anmeldung: %(url)s", url=page)])
    return CalendarEvent(
        uid=f"event-date-{date.id}@{uid_domain()}",
        sequence=date.ical_sequence,
        starts_at=date.starts_at,
        ends_at=date.ends_at,
        summary=f"Start Smart: {date.offering.title}",
        description=description,
        location=date.venue or _("Online"),
        url=page,
        cancelled=date.status is EventDateStatus.CANCELLED,
    )


def publish(dates: Sequence[EventDate], now: datetime, name: str | None = None) -> bytes:
    return build_calendar(Method.PUBLISH, [date_entry(d) for d in dates], now, name=name)
