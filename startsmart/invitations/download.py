"""One event as a ``.ics`` file to download from a manage page (registration or consultation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flask import Response

from startsmart.invitations.ical import CalendarEvent, Method, build_calendar


def calendar_file(event: CalendarEvent, now: datetime, filename: str) -> Response:
    """``event`` published without organizer and attendees (a file, not an invitation). It
    keeps the invitation's UID, so importing it updates that entry instead of adding a copy."""
    published = build_calendar(Method.PUBLISH, [replace(event, organizer=None, attendees=())], now)
    response = Response(published, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
