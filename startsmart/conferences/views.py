"""Public pages of the regional conferences: the upcoming ones, and one conference with its
registration and the initial consultations bookable on site."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from startsmart import clock
from startsmart.conferences import service
from startsmart.consultations import onsite
from startsmart.consultations.models import Channel
from startsmart.registrations import service as registrations
from startsmart.registrations.queries import seats_by_date

bp = Blueprint("conferences", __name__, url_prefix="/regionalkonferenzen")


@bp.get("/")
def index():
    return render_template("conferences/index.html", conferences=service.upcoming(clock.now()))


@bp.get("/<slug>")
def detail(slug: str):
    now = clock.now()
    conference = service.by_slug(slug) or abort(404)
    over = conference.ends_at <= now
    date = service.conference_date(conference.id)
    closed = registrations.closed_reason_for(date, now) if date else None
    return render_template(
        "conferences/detail.html",
        conference=conference,
        over=over,
        slots=[] if over else onsite.conference_slots(conference, now),
        on_site=Channel.ON_SITE.value,
        date=date,
        seats=seats_by_date([date])[date.id] if date else None,
        closed_message=registrations.closed_message(closed) if closed else None,
    )
