"""The survey from the mailed link: no login, answered once; an unknown or expired link is
gone (410), as every link in a mail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db, limiter
from startsmart.feedback import forms, questions, survey
from startsmart.form_fields import attach_error
from startsmart.security import no_store

bp = Blueprint("feedback", __name__)


def _limit() -> str:
    return current_app.config["MANAGE_RATE_LIMIT"]


@bp.route("/rueckmeldung/<token>", methods=["GET", "POST"])
@no_store
@limiter.limit(_limit, methods=["POST"])
def survey_page(token: str):
    now = clock.now()
    invitation = survey.invitation_for(token, now)
    if invitation is None:
        abort(410)
    subject = survey.subject_of(invitation)
    if invitation.answered:
        return render_template("feedback/thanks.html", subject=subject, already=True)
    asked = questions.active()
    form = forms.survey_form(asked, str(get_locale() or "de"))
    if form.validate_on_submit():
        chosen = forms.ratings(form, asked)
        if not any(form[forms.question_field(q.id)].errors for q in asked):
            try:
                survey.answer(invitation.id, chosen, form.comment.data or "", now)
            except DomainError as error:
                db.session.rollback()
                attach_error(form, error)
            else:
                return redirect(url_for("feedback.thanks", token=token))
    return render_template(
        "feedback/survey.html",
        form=form,
        subject=subject,
        fields=[form[forms.question_field(q.id)] for q in asked],
    )


@bp.get("/rueckmeldung/<token>/danke")
@no_store
def thanks(token: str):
    invitation = survey.invitation_for(token, clock.now())
    if invitation is None:
        abort(410)
    if not invitation.answered:  # opened before answering: the survey itself
        return redirect(url_for("feedback.survey_page", token=token))
    return render_template(
        "feedback/thanks.html", subject=survey.subject_of(invitation), already=False
    )
