"""Public catalogue: the offerings and their upcoming dates."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, abort, render_template, request

from startsmart import clock
from startsmart.catalog import calendar, service
from startsmart.catalog.models import EventDate, EventDateStatus, OfferingFormat
from startsmart.extensions import db
from startsmart.registrations.queries import seats_by_date

bp = Blueprint("catalog", __name__, url_prefix="/angebote")


@bp.get("/")
def index():
    """The offerings, and the upcoming dates filtered by ?format=, ?thema=, ?monat=, ?ort=,
    ?frei=, one page of them by ?seite=."""
    now = clock.now()
    choices = service.filter_choices(now)
    # Read one by one as request.args.get("…"): the hostile-input tests find them so.
    chosen = choices.pick(
        request.args.get("format"),
        request.args.get("thema"),
        request.args.get("monat"),
        request.args.get("ort"),
        request.args.get("frei"),
    )
    page = service.find_dates(now, chosen, _page_number(request.args.get("seite")))
    return render_template(
        "catalog/index.html",
        formats=service.formats_overview(),
        choices=choices,
        places=list(service.Place),
        free_only=service.FREE_ONLY,
        chosen=chosen,
        filter_args=_filter_args(chosen),
        month_key=service.month_key,
        page=page,
        dates=page.dates,
        seats=seats_by_date(page.dates),
        now=now,
    )


def _page_number(value: str | None) -> int:
    """A page number from the URL; anything odd means the first page."""
    if value and value.isascii() and value.isdigit() and len(value) <= 6:
        return max(int(value), 1)
    return 1


def _filter_args(chosen: service.DateFilter) -> dict[str, str]:
    """The chosen filter as URL parameters, for the page links."""
    args = {}
    if chosen.format is not None:
        args["format"] = chosen.format.value
    if chosen.topic is not None:
        args["thema"] = chosen.topic.slug
    if chosen.month is not None:
        args["monat"] = service.month_key(chosen.month)
    if chosen.place is not None:
        args["ort"] = chosen.place.value
    if chosen.free_only:
        args["frei"] = service.FREE_ONLY
    return args


@bp.get("/<slug>")
def offering(slug: str):
    item = service.offering_by_slug(slug) or abort(404)
    now = clock.now()
    if item.format is OfferingFormat.INITIAL_CONSULTATION:
        dates = []  # booked as a consultation, not per date: the page leads there instead
    else:
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
    return _ics(calendar.publish([date], clock.now()), f"start-smart-termin-{date.id}.ics")


@bp.get("/start-smart.ics")
def feed():
    """The public dates, for subscribing (webcal://) in any calendar app. Calendar apps poll
    it; one that sends the ETag it has gets a 304 while nothing changed."""
    response = _ics(calendar.public_feed(clock.now()), "start-smart.ics")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    return response.make_conditional(request)
