"""One event as a ``.ics`` file to download from a manage page (registration or consultation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from flask import Response

from startsmart.invitations.ical import CalendarEvent, Method, build_calendar


def calendar_file(
    event: CalendarEvent | Sequence[CalendarEvent], now: datetime, filename: str
) -> Response:
    """``event`` (or several) published without organizer and attendees (a file, not an
    invitation). Each keeps its invitation's UID, so importing the file updates those entries
    instead of adding copies."""
    events = [event] if isinstance(event, CalendarEvent) else list(event)
    published = build_calendar(
        Method.PUBLISH, [replace(e, organizer=None, attendees=()) for e in events], now
    )
    response = Response(published, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
