"""Public pages of the regional conferences: the upcoming ones, and one conference with the
initial consultations bookable on site."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template

from startsmart.conferences.models import Conference
from startsmart.consultations import onsite
from startsmart.consultations.models import Channel
from startsmart.database import utcnow
from startsmart.extensions import db

bp = Blueprint("conferences", __name__, url_prefix="/regionalkonferenzen")


@bp.get("/")
def index():
    now = utcnow()
    upcoming = db.session.execute(
        sa.select(Conference).where(Conference.ends_at > now).order_by(Conference.starts_at)
    ).scalars()
    return render_template("conferences/index.html", conferences=list(upcoming))


@bp.get("/<slug>")
def detail(slug: str):
    now = utcnow()
    conference = db.session.execute(
        sa.select(Conference).where(Conference.slug == slug)
    ).scalar_one_or_none() or abort(404)
    over = conference.ends_at <= now
    return render_template(
        "conferences/detail.html",
        conference=conference,
        over=over,
        slots=[] if over else onsite.conference_slots(conference, now),
        on_site=Channel.ON_SITE.value,
    )
