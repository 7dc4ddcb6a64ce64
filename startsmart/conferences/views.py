"""Public pages of the regional conferences: the upcoming ones, and one conference with its
registration and the initial consultations bookable on site."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from startsmart import clock
from startsmart.conferences import programme, service
from startsmart.consultations import onsite
from startsmart.consultations.models import Channel
from startsmart.registrations import service as registrations
from startsmart.registrations.queries import seats_by_date

bp = Blueprint("conferences", __name__, url_prefix="/regionalkonferenzen")


@bp.get("/")
def index():
    conferences = service.upcoming(clock.now())
    return render_template(
        "conferences/index.html",
        conferences=conferences,
        with_programme=programme.with_programme([c.id for c in conferences]),
    )


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
        has_programme=bool(programme.with_programme([conference.id])),
        over=over,
        slots=[] if over else onsite.conference_slots(conference, now),
        on_site=Channel.ON_SITE.value,
        date=date,
        seats=seats_by_date([date])[date.id] if date else None,
        closed_message=registrations.closed_message(closed) if closed else None,
    )


@bp.get("/<slug>/programm")
def programme_page(slug: str):
    """The programme, grouped by time slot: sessions at the same time side by side."""
    conference = service.by_slug(slug) or abort(404)
    first, last = programme.conference_days(conference)
    return render_template(
        "conferences/programme.html",
        conference=conference,
        slots=programme.time_slots(programme.sessions_of(conference.id)),
        several_days=first != last,
    )
