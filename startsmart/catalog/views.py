"""Public catalogue: the offerings and their upcoming dates."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from startsmart.catalog import calendar, service
from startsmart.catalog.models import EventDate, EventDateStatus
from startsmart.database import utcnow
from startsmart.extensions import db
from startsmart.registrations.queries import seats_by_date

bp = Blueprint("catalog", __name__, url_prefix="/angebote")


@bp.get("/")
def index():
    now = utcnow()
    dates = service.upcoming_dates(now)
    return render_template(
        "catalog/index.html",
        formats=service.formats_overview(),
        dates=dates,
        seats=seats_by_date(dates),
        now=now,
    )


@bp.get("/<slug>")
def offering(slug: str):
    item = service.offering_by_slug(slug) or abort(404)
    now = utcnow()
    dates = service.upcoming_dates(now, item)
    return render_template(
        "catalog/offering.html", offering=item, dates=dates, seats=seats_by_date(dates), now=now
    )


def _ics(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=900"  # calendar apps poll; 15 min
    return response


@bp.get("/termine/<int:date_id>.ics")
def date_ics(date_id: int):
    """One date for the visitor's calendar (no registration implied)."""
    date = db.session.get(EventDate, date_id)
    if date is None or date.status is EventDateStatus.DRAFT:
        abort(404)
    return _ics(calendar.publish([date], utcnow()), f"start-smart-termin-{date.id}.ics")


@bp.get("/start-smart.ics")
def feed():
    """All upcoming public dates, for subscribing (webcal://) in any calendar app."""
    dates = service.upcoming_dates(utcnow())
    return _ics(calendar.publish(dates, utcnow(), name="Start Smart – Termine"), "start-smart.ics")
