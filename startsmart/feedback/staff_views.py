"""Staff: the survey's results per date, per offering and for the consultations, and its
questions. The event team (and admins), who see the registrations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.catalog.models import EventDate, Offering
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.feedback import questions, results
from startsmart.feedback.figures import MIN_ANSWERS
from startsmart.feedback.forms import QuestionForm
from startsmart.feedback.models import FeedbackQuestion
from startsmart.form_fields import attach_error
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("feedback_staff", __name__, url_prefix="/staff/rueckmeldungen")


def _locale() -> str:
    return str(get_locale() or "de")


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    lines = results.overview()
    offerings = {
        o.id: o
        for o in db.session.execute(
            sa.select(Offering).where(Offering.id.in_([line.offering_id for line in lines]))
        ).scalars()
    }
    return render_template(
        "feedback_staff/index.html",
        lines=sorted(lines, key=lambda line: offerings[line.offering_id].title.casefold()),
        offerings=offerings,
        consultations=results.for_consultations().figures,
    )


@bp.get("/termine/<int:date_id>")
@staff_required(Role.EVENT_TEAM)
def date_results(date_id: int):
    event_date = db.session.get(EventDate, date_id) or abort(404)
    return render_template(
        "feedback_staff/results.html",
        heading=_("Rückmeldungen zum Termin"),
        event_date=event_date,
        offering=event_date.offering,
        found=results.for_date(date_id),
        min_answers=MIN_ANSWERS,
        locale=_locale(),
    )


@bp.get("/angebote/<int:offering_id>")
@staff_required(Role.EVENT_TEAM)
def offering_results(offering_id: int):
    offering = db.session.get(Offering, offering_id) or abort(404)
    dates = results.dates_with_feedback(offering_id)
    by_id = {
        d.id: d
        for d in db.session.execute(
            sa.select(EventDate).where(EventDate.id.in_([d for d, _i, _a in dates]))
        ).scalars()
    }
    return render_template(
        "feedback_staff/results.html",
        heading=_("Rückmeldungen zum Angebot"),
        offering=offering,
        dates=[(by_id[d], invited, answered) for d, invited, answered in dates if d in by_id],
        found=results.for_offering(offering_id),
        min_answers=MIN_ANSWERS,
        locale=_locale(),
    )


@bp.get("/beratungen")
@staff_required(Role.EVENT_TEAM)
def consultation_results():
    return render_template(
        "feedback_staff/results.html",
        heading=_("Rückmeldungen zu den Initialberatungen"),
        found=results.for_consultations(),
        min_answers=MIN_ANSWERS,
        locale=_locale(),
    )


def _input(form: QuestionForm) -> questions.QuestionInput:
    return questions.QuestionInput(
        text_de=form.text_de.data or "",
        text_en=form.text_en.data or "",
        position=form.position.data or 0,
        active=bool(form.active.data),
    )


@bp.route("/fragen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def question_list():
    questions.ensure_defaults(clock.now())
    db.session.commit()
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.add(_input(form), current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Frage ist angelegt."), "success")
            return redirect(url_for(".question_list"))
    return render_template("feedback_staff/questions.html", form=form, questions=questions.every())


@bp.route("/fragen/<int:question_id>", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def question_edit(question_id: int):
    question = db.session.get(FeedbackQuestion, question_id) or abort(404)
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        try:
            questions.update(question.id, _input(form), current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Frage ist gespeichert."), "success")
            return redirect(url_for(".question_list"))
    return render_template("feedback_staff/question.html", form=form, question=question)
