"""Public consultation booking: free slots by week, the booking form, the manage page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from startsmart import clock, join_links, unconfirmed
from startsmart.catalog.models import Topic
from startsmart.clock import BERLIN, berlin_to_utc, berlin_today, iso_or_none, moment_or_none
from startsmart.conferences.models import Conference
from startsmart.consultations import booking, feed, mails, schedule, week_view
from startsmart.consultations.forms import (
    BookingForm,
    ConfirmForm,
    ReasonForm,
    RescheduleForm,
    SlotChoiceForm,
    parse_start,
)
from startsmart.consultations.models import Channel, ConsultationStatus
from startsmart.errors import DomainError
from startsmart.extensions import db, limiter
from startsmart.form_fields import attach_error
from startsmart.forms import choices as as_choices
from startsmart.forms import filled
from startsmart.i18n import localized_label
from startsmart.input_guard import database_int, query_day
from startsmart.invitations import download
from startsmart.links import public_url
from startsmart.municipalities.forms import municipality_input
from startsmart.security import no_store

bp = Blueprint("consultations", __name__)

OUTCOME_KEY = "consultation_outcome"


def _limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _manage_limit() -> str:
    return current_app.config["MANAGE_RATE_LIMIT"]


def _week_start(now: datetime) -> date:
    """The Monday of the week asked for (?ab=YYYY-MM-DD), else of the first bookable week."""
    day = query_day(request.args.get("ab"))
    if day is None:
        day = berlin_today(now + timedelta(hours=current_app.config["CONSULTATION_NOTICE_HOURS"]))
    return day - timedelta(days=day.weekday())


def _week_slots(monday: date, now: datetime, moving: int | None = None):
    start = berlin_to_utc(monday, datetime.min.time())
    end = berlin_to_utc(monday + timedelta(days=7), datetime.min.time())
    return schedule.free(now, start, end, exclude=moving)


def _slot_label(starts_at: datetime) -> str:
    pattern = "EEEE, d. MMMM, HH:mm" if str(get_locale()) == "de" else "EEEE, d MMMM, HH:mm"
    return format_datetime(starts_at.astimezone(BERLIN), pattern, rebase=False)


def _channel_arg() -> str | None:
    value = request.args.get("kanal")
    return value if value in {c.value for c in Channel} else None


@bp.get("/initialberatung/")
def book():
    now = clock.now()
    monday = _week_start(now)
    channel = _channel_arg()
    # The whole bookable horizon at once (a few milliseconds, docs/performance.md): the week
    # shown and the first free slot of all come from the same listing.
    week = week_view.week(schedule.free(now, channel=channel), monday, channel)
    horizon = berlin_today(now + timedelta(weeks=current_app.config["CONSULTATION_HORIZON_WEEKS"]))
    return render_template(
        "consultations/week.html",
        week=week,
        monday=monday,
        channel=channel,
        chosen_week="ab" in request.args,
        day_month="dd.MM." if str(get_locale()) == "de" else "dd/MM",
        previous=monday - timedelta(days=7) if monday > berlin_today(now) else None,
        following=monday + timedelta(days=7) if monday + timedelta(days=7) <= horizon else None,
        channels=list(Channel),
    )


def _fill_slot_choices(
    form: SlotChoiceForm, monday: date, now: datetime, moving: int | None = None
) -> None:
    slots = _week_slots(monday, now, moving=moving)
    choices = [(s.starts_at.isoformat(), _slot_label(s.starts_at)) for s in slots]
    form.starts_at.choices = as_choices([("", _("– bitte wählen –")), *choices])


@bp.route("/initialberatung/buchen", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def booking_form():
    now = clock.now()
    form = BookingForm()
    requested = parse_start(request.values.get("start") or form.starts_at.data)
    monday = requested.astimezone(BERLIN).date() if requested else _week_start(now)
    monday -= timedelta(days=monday.weekday())
    _fill_slot_choices(form, monday, now)
    topics = db.session.execute(sa.select(Topic).order_by(Topic.name)).scalars()
    form.topics.choices = as_choices((t.id, localized_label(t, "name")) for t in topics)
    if request.method == "GET" and requested:
        form.starts_at.data = requested.isoformat()
        form.channel.data = request.args.get("kanal") or Channel.VIDEO.value
    # From a conference's page: on site there, with one of its advisors.
    conference = _conference_arg()
    if form.validate_on_submit():
        if form.website.data:
            session[OUTCOME_KEY] = {"bot": True}
            return redirect(url_for("consultations.received"))
        try:
            booked = booking.book(
                _request_from(form), now, conference_id=conference.id if conference else None
            )
        except DomainError as error:
            db.session.rollback()
            _fill_slot_choices(form, monday, now)  # fresh slots, the taken one gone
            attach_error(form, error)
        else:
            session[OUTCOME_KEY] = {
                "id": booked.consultation_id,
                "status": booked.status.value,
                "held_until": iso_or_none(booked.held_until),
            }
            return redirect(url_for("consultations.received"))
    return render_template(
        "consultations/form.html",
        form=form,
        monday=monday,
        conference=conference,
    )


def _conference_arg() -> Conference | None:
    conference_id = request.args.get("konferenz", type=database_int)
    return db.session.get(Conference, conference_id) if conference_id else None


def _request_from(form: BookingForm) -> booking.BookingRequest:
    return booking.BookingRequest(
        starts_at=filled(parse_start(form.starts_at.data)),  # _a_point_in_time checked it
        channel=Channel(form.channel.data),
        municipality=municipality_input(form),
        name=filled(form.name.data),
        email=filled(form.email.data),
        function=form.function.data or "",
        phone=form.phone.data or "",
        situation=form.situation.data or "",
        goals=form.goals.data or "",
        topic_ids=tuple(form.topics.data or ()),
        locale=str(get_locale() or "de"),
        client=unconfirmed.client_key(),
    )


@bp.get("/initialberatung/erhalten")
@no_store
def received():
    outcome = session.get(OUTCOME_KEY)
    if not outcome:
        return redirect(url_for("consultations.book"))
    return render_template(
        "consultations/received.html",
        outcome=outcome,
        held_until=moment_or_none(outcome.get("held_until")),
    )


def _consultation_or_410(token: str):
    consultation = booking.consultation_for_token(token, clock.now())
    if consultation is None:
        abort(410)
    return consultation


@bp.get("/beratung/<token>")
@no_store
def manage(token: str):
    consultation = _consultation_or_410(token)
    now = clock.now()
    link = mails.join_link(consultation)
    return render_template(
        "consultations/manage.html",
        consultation=consultation,
        token=token,
        now=now,
        join_url=link,
        join=join_links.manage_page_button(link, consultation.starts_at, consultation.ends_at, now),
    )


@bp.route("/beratung/<token>/bestaetigen", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def confirm(token: str):
    consultation = _consultation_or_410(token)
    form = ConfirmForm()
    if not form.validate_on_submit():  # GET: mail scanners open links; only the button counts
        return render_template(
            "consultations/confirm.html",
            consultation=consultation,
            token=token,
            form=form,
            settled=booking.nothing_to_confirm(consultation, clock.now()),
        )
    try:
        booking.confirm(token, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "Vielen Dank! Ihre Initialberatung ist bestätigt. Die Einladung für Ihren "
                "Kalender ist unterwegs."
            ),
            "success",
        )
    return redirect(url_for("consultations.manage", token=token))


@bp.route("/beratung/<token>/absagen", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def cancel(token: str):
    consultation = _consultation_or_410(token)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            booking.cancel(token, clock.now(), form.reason.data or None)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(
                _(
                    "Ihre Initialberatung ist abgesagt. Der Termin wird aus Ihrem Kalender "
                    "entfernt."
                ),
                "success",
            )
        return redirect(url_for("consultations.manage", token=token))
    return render_template(
        "consultations/cancel.html", consultation=consultation, token=token, form=form
    )


@bp.route("/beratung/<token>/verschieben", methods=["GET", "POST"])
@no_store
@limiter.limit(_manage_limit, methods=["POST"])
def reschedule(token: str):
    consultation = _consultation_or_410(token)
    now = clock.now()
    monday = _week_start(now)
    if "ab" not in request.args:  # start with the week of the current appointment
        current = consultation.starts_at.astimezone(BERLIN).date()
        monday = max(monday, current - timedelta(days=current.weekday()))
    form = RescheduleForm()
    _fill_slot_choices(form, monday, now, moving=consultation.id)
    if request.method == "GET":
        form.channel.data = consultation.channel.value
        form.phone.data = consultation.phone
    if form.validate_on_submit():
        try:
            booking.reschedule(
                token,
                filled(parse_start(form.starts_at.data)),  # _a_point_in_time checked it
                Channel(form.channel.data),
                now,
                phone=form.phone.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            _fill_slot_choices(form, monday, now, moving=consultation.id)
            attach_error(form, error)
        else:
            flash(
                _(
                    "Ihre Initialberatung ist verschoben. Sie und Ihre Beraterin oder Ihr "
                    "Berater erhalten die aktualisierte Einladung."
                ),
                "success",
            )
            return redirect(url_for("consultations.manage", token=token))
    return render_template(
        "consultations/reschedule.html",
        consultation=consultation,
        token=token,
        form=form,
        monday=monday,
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        active=consultation.status in (ConsultationStatus.PENDING, ConsultationStatus.CONFIRMED),
    )


@bp.get("/kalender/beratungen/<token>.ics")
@no_store
def advisor_feed(token: str):
    """An advisor's consultations for their calendar app (the URL is the secret)."""
    data = feed.feed_for_token(token, clock.now())
    if data is None:
        abort(404)
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/beratung/<token>/kalender.ics")
@no_store
def calendar_file(token: str):
    """The confirmed consultation as a file for one's calendar, like a registration's."""
    consultation = _consultation_or_410(token)
    if consultation.status is not ConsultationStatus.CONFIRMED:
        abort(404)
    manage = public_url("consultations.manage", token=token)
    event = mails.calendar_event(consultation, (consultation.advisor,), manage)
    return download.calendar_file(event, clock.now(), "start-smart-beratung.ics")
