"""Public registration: the form, the "received" page, and the person's own manage page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart import clock, join_links, unconfirmed
from startsmart.catalog.models import EventDate, EventDateStatus, OfferingFormat
from startsmart.clock import iso_or_none, moment_or_none
from startsmart.conferences import choices, session_calendar
from startsmart.conferences.forms import workshop_form, workshop_values
from startsmart.conferences.models import Conference
from startsmart.errors import DomainError
from startsmart.extensions import db, limiter
from startsmart.form_fields import Form, attach_error
from startsmart.forms import filled
from startsmart.invitations import download
from startsmart.links import public_url
from startsmart.municipalities.forms import municipality_input
from startsmart.registrations import mails, queries, seats, service
from startsmart.registrations.forms import RegistrationForm
from startsmart.registrations.models import RegistrationStatus
from startsmart.security import no_store

bp = Blueprint("registrations", __name__)

OUTCOME_KEY = "registration_outcome"


def _limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _manage_limit() -> str:
    return current_app.config["MANAGE_RATE_LIMIT"]


@bp.route("/angebote/termine/<int:date_id>/anmeldung", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def register(date_id: int):
    slots = _choice_slots(date_id)
    form = workshop_form(RegistrationForm, slots)
    now = clock.now()
    submitted = form.validate_on_submit()
    if submitted and not form.website.data:
        # The service reads the date under its lock and applies every rule (open? a question
        # only for the exchange); the date is loaded here only to show the form (again).
        try:
            outcome = service.register(date_id, _applicant(form), now)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            session[OUTCOME_KEY] = {
                "id": outcome.registration_id,
                "status": outcome.status.value,
                "position": outcome.position,
                "repeated": outcome.repeated,
                "date": date_id,
                "held_until": iso_or_none(outcome.held_until),
            }
            return redirect(url_for("registrations.received"))
    date = db.session.get(EventDate, date_id, options=[joinedload(EventDate.offering)])
    if date is None or date.status is EventDateStatus.DRAFT:
        abort(404)
    exchange = date.offering.format is OfferingFormat.MODERATED_EXCHANGE
    if not exchange:
        del form.question
    conference = _conference_of(date)
    if date.offering.format is not OfferingFormat.CONFERENCE:
        del form.speed_dating
        del form.contact_exchange
    closed = service.closed_reason_for(date, now)
    if submitted and form.website.data and closed is None:
        # A bot filled the honeypot: store nothing, say nothing useful.
        session[OUTCOME_KEY] = {"bot": True}
        return redirect(url_for("registrations.received"))
    seat_info = queries.seats_by_date([date])[date.id]
    return render_template(
        "registrations/form.html",
        form=form,
        date=date,
        seats=seat_info,
        closed=closed,
        closed_message=service.closed_message(closed) if closed else None,
        exchange=exchange,
        conference=conference,
        slots=slots,
        free=choices.free_places(slots),
    )


def _choice_slots(date_id: int) -> list[choices.ChoiceSlot]:
    """The slots of workshops to choose from, where the date is a conference's."""
    conference_id = db.session.execute(
        sa.select(EventDate.conference_id).where(EventDate.id == date_id)
    ).scalar_one_or_none()
    return choices.offered(conference_id) if conference_id is not None else []


def _conference_of(date: EventDate) -> Conference | None:
    """The regional conference a conference registration belongs to."""
    if date.offering.format is not OfferingFormat.CONFERENCE or date.conference_id is None:
        return None
    return db.session.get(Conference, date.conference_id)


def _applicant(form: RegistrationForm) -> service.Applicant:
    return service.Applicant(
        name=filled(form.name.data),
        email=filled(form.email.data),
        function=form.function.data or "",
        municipality=municipality_input(form),
        question=form.question.data,  # the service keeps it only for the exchange
        news_consent=form.news.data,
        locale=str(get_locale() or "de"),
        # The service keeps these only for a regional conference.
        speed_dating=form.speed_dating.data,
        contact_exchange=form.contact_exchange.data,
        client=unconfirmed.client_key(),
        workshops=workshop_values(form),
    )


@bp.get("/anmeldung/erhalten")
@no_store
def received():
    outcome = session.get(OUTCOME_KEY)
    if not outcome:
        return redirect(url_for("catalog.index"))
    date = db.session.get(EventDate, outcome["date"]) if "date" in outcome else None
    return render_template(
        "registrations/received.html",
        outcome=outcome,
        date=date,
        held_until=moment_or_none(outcome.get("held_until")),
    )


@bp.post("/anmeldung/erhalten/link")
@limiter.limit("3 per hour")
def resend_link():
    outcome = session.get(OUTCOME_KEY) or {}
    refusal = service.resend_link(outcome["id"], clock.now()) if "id" in outcome else None
    if refusal:
        flash(refusal, "error")
    else:
        flash(_("Wir haben Ihnen die E-Mail mit Ihrem Link noch einmal geschickt."), "success")
    return redirect(url_for("registrations.received"))


def _registration_or_410(token: str):
    registration = service.registration_for_token(token, clock.now())
    if registration is None:
        abort(410)
    return registration


@bp.get("/anmeldung/<token>")
@no_store
def manage(token: str):
    registration = _registration_or_410(token)
    now = clock.now()
    date = registration.event_date
    link = mails.join_link(registration)
    slots = choices.offered(date.conference_id) if date.conference_id is not None else []
    conference = _conference_of(date)
    return render_template(
        "registrations/manage.html",
        registration=registration,
        token=token,
        position=seats.waitlist_position(registration),
        now=now,
        join_url=link,
        join=join_links.manage_page_button(link, date.starts_at, date.ends_at, now),
        chosen=choices.of_registration(registration.id, slots) if slots else [],
        choices_close_at=choices.deadline(conference) if conference and slots else None,
        conference=conference,
    )


@bp.route("/anmeldung/<token>/workshops", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def workshops(token: str):
    """The person changes their workshops (a regional conference with a choice), until the
    conference's "Workshopwahl bis"."""
    registration = _registration_or_410(token)
    conference_id = registration.event_date.conference_id
    slots = choices.offered(conference_id) if conference_id is not None else []
    if not slots:
        abort(404)
    conference = db.session.get_one(Conference, conference_id)
    now = clock.now()
    form = workshop_form(Form, slots)
    if request.method == "GET":
        for chosen in choices.of_registration(registration.id, slots):
            form[chosen.slot.field].data = str(chosen.session.id)
    elif form.validate_on_submit():
        try:
            choices.change(registration, workshop_values(form) or {}, now)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Ihre Workshopwahl ist gespeichert."), "success")
            return redirect(url_for("registrations.manage", token=token))
    closes_at = choices.deadline(conference)
    return render_template(
        "registrations/workshops.html",
        registration=registration,
        token=token,
        form=form,
        slots=slots,
        free=choices.free_places(slots),
        closes_at=closes_at,
        open=registration.is_active and now < closes_at,
    )


@bp.route("/anmeldung/<token>/bestaetigen", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def confirm(token: str):
    registration = _registration_or_410(token)
    if request.method == "GET":  # mail scanners open links; only the button confirms
        return render_template(
            "registrations/confirm.html",
            registration=registration,
            token=token,
            settled=service.nothing_to_confirm(registration, clock.now()),
        )
    try:
        outcome = service.confirm(token, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        if outcome.status is RegistrationStatus.CONFIRMED:
            flash(
                _(
                    "Vielen Dank! Ihre Anmeldung ist bestätigt. Die Einladung für Ihren Kalender "
                    "ist unterwegs."
                ),
                "success",
            )
        elif outcome.status is RegistrationStatus.PENDING:
            flash(
                _(
                    "Ein Platz ist frei geworden. Bitte bestätigen Sie die Anmeldung über den "
                    "Link in der E-Mail, die wir Ihnen gerade geschickt haben."
                ),
                "info",
            )
        else:
            flash(
                _(
                    "Ihre E-Mail-Adresse ist bestätigt. Sie stehen auf Platz %(n)d der "
                    "Warteliste; wir schreiben Ihnen, sobald ein Platz frei wird.",
                    n=outcome.position or 0,
                ),
                "success",
            )
    return redirect(url_for("registrations.manage", token=token))


@bp.route("/anmeldung/<token>/stornieren", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def cancel(token: str):
    registration = _registration_or_410(token)
    if request.method == "GET":
        return render_template("registrations/cancel.html", registration=registration, token=token)
    try:
        service.cancel(token, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "Ihre Anmeldung ist storniert. Sie erhalten eine Bestätigung per E-Mail; "
                "der Termin wird aus Ihrem Kalender entfernt."
            ),
            "success",
        )
    return redirect(url_for("registrations.manage", token=token))


@bp.get("/anmeldung/<token>/kalender.ics")
@no_store
def calendar_file(token: str):
    registration = _registration_or_410(token)
    if registration.status is not RegistrationStatus.CONFIRMED:
        abort(404)
    event = mails.calendar_event(registration, public_url("registrations.manage", token=token))
    return download.calendar_file(event, clock.now(), "start-smart-termin.ics")


@bp.get("/anmeldung/<token>/konferenzprogramm.ics")
@no_store
def programme_file(token: str):
    """A conference participant's own programme: the day and every session in their
    calendar, with the UIDs of their invitations."""
    registration = _registration_or_410(token)
    if (
        registration.status is not RegistrationStatus.CONFIRMED
        or _conference_of(registration.event_date) is None
    ):
        abort(404)
    manage = public_url("registrations.manage", token=token)
    events = session_calendar.published_events(registration, manage)
    return download.calendar_file(events, clock.now(), "start-smart-konferenzprogramm.ics")
