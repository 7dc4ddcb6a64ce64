"""Staff book a consultation for a municipality: on the phone, or for a walk-in at a regional
conference (?konferenz=<id>: its on-site slots, no notice). Confirmed at once; both parties
get the invitation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences.models import Conference
from startsmart.consultations import booking, onsite, schedule
from startsmart.consultations.availability_service import upcoming_conferences
from startsmart.consultations.models import Channel
from startsmart.consultations.slots import Slot
from startsmart.consultations.staff_forms import StaffBookingForm
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import choices, filled
from startsmart.i18n import berlin_datetime
from startsmart.input_guard import database_int, query_day
from startsmart.municipalities.forms import municipality_input
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("consultations_booking_staff", __name__, url_prefix="/staff/beratungen")

DAYS_LISTED = 7


def _conference() -> Conference | None:
    if "konferenz" not in request.args:
        return None
    conference_id = request.args.get("konferenz", type=database_int)
    return (db.session.get(Conference, conference_id) if conference_id else None) or abort(404)


def _channel() -> Channel:
    value = request.args.get("kanal", "")
    return Channel(value) if value in {c.value for c in Channel} else Channel.VIDEO


def _first_day(channel: Channel, now: datetime) -> date:
    """Today on site (walk-ins need no notice), else the first day past the notice."""
    if channel is Channel.ON_SITE:
        return berlin_today(now)
    return berlin_today(now + timedelta(hours=current_app.config["CONSULTATION_NOTICE_HOURS"]))


def _day(channel: Channel, now: datetime) -> date:
    asked = query_day(request.args.get("tag"))
    if asked is None:
        return _first_day(channel, now)
    return max(asked, berlin_today(now))


def _slots(conference, channel: Channel, day: date, now: datetime) -> list[Slot]:
    if conference is not None:
        return onsite.conference_slots(conference, now, walk_in=True)
    start = berlin_to_utc(day, time(0))
    end = berlin_to_utc(day + timedelta(days=DAYS_LISTED), time(0))
    return schedule.free(now, start, end, channel.value, walk_in=channel is Channel.ON_SITE)


def _label(slot: Slot) -> str:
    return _("%(when)s Uhr", when=berlin_datetime(slot.starts_at, "weekday_short"))


def _fill(form: StaffBookingForm, free: list[Slot]) -> None:
    options = [(s.starts_at.isoformat(), _label(s)) for s in free]
    form.starts_at.choices = choices([("", _("– bitte wählen –")), *options])


def _start(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise DomainError(_("Bitte wählen Sie einen der angezeigten Termine."), "starts_at")
    return parsed


def _request(form: StaffBookingForm, channel: Channel) -> booking.BookingRequest:
    return booking.BookingRequest(
        starts_at=_start(form.starts_at.data),
        channel=channel,
        municipality=municipality_input(form),
        name=filled(form.name.data),
        email=filled(form.email.data),
        phone=form.phone.data or "",
        situation=form.situation.data or "",
    )


@bp.route("/neu", methods=["GET", "POST"])
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def new():
    now = clock.now()
    conference = _conference()
    channel = Channel.ON_SITE if conference is not None else _channel()
    day = _day(channel, now)
    form = StaffBookingForm()
    _fill(form, _slots(conference, channel, day, now))
    if form.validate_on_submit():
        try:
            booked = booking.book(
                _request(form, channel),
                now,
                by_staff=True,
                override=form.override.data,
                conference_id=conference.id if conference is not None else None,
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            _fill(form, _slots(conference, channel, day, now))  # the taken slot is gone
            attach_error(form, error)
            if isinstance(error, booking.NotEligible):
                form.override.errors = [
                    *form.override.errors,
                    _(
                        "Soll die Beratung trotzdem stattfinden, setzen Sie hier das Häkchen "
                        "und buchen Sie noch einmal."
                    ),
                ]
        else:
            flash(
                _(
                    "Gebucht und bestätigt: Beratung durch %(advisor)s. Die Kommune und die "
                    "Beraterin oder der Berater erhalten die Einladung.",
                    advisor=booked.advisor_name,
                ),
                "success",
            )
            return redirect(
                url_for("consultations_staff.detail", consultation_id=booked.consultation_id)
            )
    return render_template(
        "consultations_booking_staff/new.html",
        form=form,
        conference=conference,
        channel=channel,
        channels=list(Channel),
        day=day,
        days_listed=DAYS_LISTED,
        conferences=upcoming_conferences(now),
    )
