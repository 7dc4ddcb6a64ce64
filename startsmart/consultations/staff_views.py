"""Staff: the consultations, each with its details (advisors see their own first)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from startsmart.consultations import feed
from startsmart.consultations.forms import ConfirmForm
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.database import utcnow
from startsmart.extensions import db
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("consultations_staff", __name__, url_prefix="/staff/beratungen")


@bp.get("/")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def index():
    now = utcnow()
    mine = request.args.get("alle") is None and current_user.role is Role.ADVISOR
    query = (
        sa.select(Consultation)
        .where(
            Consultation.status.in_((ConsultationStatus.PENDING, ConsultationStatus.CONFIRMED)),
            Consultation.ends_at >= now,
        )
        .options(selectinload(Consultation.municipality), selectinload(Consultation.advisor))
        .order_by(Consultation.starts_at)
    )
    if mine:
        query = query.where(Consultation.advisor_id == current_user.id)
    upcoming = db.session.execute(query).scalars().all()
    return render_template("consultations_staff/index.html", upcoming=upcoming, mine=mine)


@bp.route("/kalender-abo", methods=["GET", "POST"])
@staff_required(Role.ADVISOR)
def calendar_feed():
    """The advisor's own subscription URL: create or replace it; it is shown only once."""
    now = utcnow()
    form = ConfirmForm()
    if form.validate_on_submit():
        session["feed_url"] = feed.rotate(current_user, now)
        flash(
            _("Ihr neuer Kalender-Link ist bereit. Frühere Links funktionieren nicht mehr."),
            "success",
        )
        return redirect(url_for("consultations_staff.calendar_feed"))
    return render_template(
        "consultations_staff/feed.html",
        form=form,
        url=session.pop("feed_url", None),
        exists=feed.has_feed(current_user, now),
    )


@bp.get("/<int:consultation_id>")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def detail(consultation_id: int):
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    return render_template("consultations_staff/detail.html", consultation=consultation)
