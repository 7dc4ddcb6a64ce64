"""Staff: one date with its registrations — list, CSV, add a person, attendance, messages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from startsmart import clock
from startsmart.catalog.models import EventDate, OfferingFormat
from startsmart.catalog.slugs import slugify
from startsmart.clock import BERLIN
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import filled
from startsmart.municipalities.forms import municipality_input
from startsmart.registrations import export, participants, service, staff_service
from startsmart.registrations.models import Attendance, RegistrationStatus
from startsmart.registrations.queries import seats_by_date
from startsmart.registrations.rules import closed_reason
from startsmart.registrations.staff_forms import ManualRegistrationForm, StaffMessageForm
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("registrations_staff", __name__, url_prefix="/staff/termine")


def _date_or_404(date_id: int) -> EventDate:
    return db.session.get(EventDate, date_id) or abort(404)


def _status_filter() -> RegistrationStatus | None:
    value = request.args.get("status", "")
    return RegistrationStatus(value) if value in {s.value for s in RegistrationStatus} else None


def _is_exchange(event_date: EventDate) -> bool:
    return event_date.offering.format is OfferingFormat.MODERATED_EXCHANGE


@bp.get("/<int:date_id>")
@staff_required(Role.EVENT_TEAM)
def date_page(date_id: int):
    event_date = _date_or_404(date_id)
    status = _status_filter()
    now = clock.now()
    return render_template(
        "registrations_staff/date.html",
        date=event_date,
        seats=seats_by_date([event_date])[event_date.id],
        counts=participants.status_counts(event_date.id),
        rows=participants.participants(event_date.id, status),
        status=status,
        statuses=participants.STATUS_ORDER,
        questions=participants.questions(event_date.id) if _is_exchange(event_date) else None,
        messages=participants.staff_messages(event_date.id),
        attendance_open=staff_service.attendance_open(event_date, now),
        now=now,
    )


@bp.get("/<int:date_id>/anmeldungen.csv")
@staff_required(Role.EVENT_TEAM)
def export_csv(date_id: int):
    event_date = _date_or_404(date_id)
    staff_service.export_for(event_date.id, current_user, clock.now())
    rows = participants.participants(event_date.id, _status_filter())
    header, table = participants.csv_table(rows)
    data = export.write_csv(header, table, yes=_("ja"), no=_("nein"))
    day = event_date.starts_at.astimezone(BERLIN).strftime("%Y-%m-%d")
    # slugify again: a slug from elsewhere (demo, import) must not break the header.
    filename = f"anmeldungen-{slugify(event_date.offering.slug)}-{day}.csv"
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in any cache
    return response


@bp.route("/<int:date_id>/anmeldungen/neu", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def add(date_id: int):
    event_date = _date_or_404(date_id)
    exchange = _is_exchange(event_date)
    form = ManualRegistrationForm()
    if not exchange:
        del form.question
    now = clock.now()
    closed = closed_reason(service.window(event_date), now, by_staff=True)
    if form.validate_on_submit() and closed is None:
        applicant = service.Applicant(
            name=filled(form.name.data),
            email=filled(form.email.data),
            function=form.function.data or "",
            municipality=municipality_input(form),
            question=form.question.data if exchange else None,
            locale=form.locale.data,
        )
        try:
            outcome = service.register(event_date.id, applicant, now, by_staff=True)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            _flash_outcome(outcome, applicant.name)
            return redirect(url_for(".date_page", date_id=event_date.id))
    return render_template(
        "registrations_staff/add.html",
        form=form,
        date=event_date,
        seats=seats_by_date([event_date])[event_date.id],
        closed_message=service.closed_message(closed) if closed else None,
        exchange=exchange,
    )


def _flash_outcome(outcome: service.Outcome, name: str) -> None:
    if outcome.repeated:
        flash(
            _(
                "%(name)s ist für diesen Termin schon angemeldet (%(status)s).",
                name=name,
                status=outcome.status.label,
            ),
            "info",
        )
    elif outcome.status is RegistrationStatus.WAITLISTED:
        flash(
            _(
                "%(name)s steht auf Platz %(n)d der Warteliste und hat eine E-Mail erhalten.",
                name=name,
                n=outcome.position or 0,
            ),
            "success",
        )
    else:
        flash(
            _("%(name)s ist angemeldet (bestätigt); die Einladung ist unterwegs.", name=name),
            "success",
        )


@bp.route("/<int:date_id>/anwesenheit", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def attendance(date_id: int):
    event_date = _date_or_404(date_id)
    form = FlaskForm()
    if form.validate_on_submit():
        marks = {}
        for key, value in request.form.items():
            registration_id = key.removeprefix("attendance-")
            if key.startswith("attendance-") and registration_id.isdigit():
                valid = value in {a.value for a in Attendance}
                marks[int(registration_id)] = Attendance(value) if valid else None
        try:
            changed = staff_service.record_attendance(
                event_date.id, marks, current_user, clock.now()
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                ngettext(
                    "Teilnahme gespeichert (%(num)d Änderung).",
                    "Teilnahme gespeichert (%(num)d Änderungen).",
                    changed,
                ),
                "success",
            )
            return redirect(url_for(".date_page", date_id=event_date.id))
    now = clock.now()
    return render_template(
        "registrations_staff/attendance.html",
        form=form,
        date=event_date,
        seats=seats_by_date([event_date])[event_date.id],
        rows=participants.participants(event_date.id, RegistrationStatus.CONFIRMED),
        attendance_open=staff_service.attendance_open(event_date, now),
        now=now,
    )


@bp.route("/<int:date_id>/nachricht", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def message(date_id: int):
    event_date = _date_or_404(date_id)
    if request.method == "GET":
        subject = _(
            "Ihr Termin „%(title)s“ am %(day)s",
            title=event_date.offering.title,
            day=event_date.starts_at.astimezone(BERLIN).strftime("%d.%m.%Y"),
        )
        form = StaffMessageForm(data={"subject": subject, "to_confirmed": True})
    else:
        form = StaffMessageForm()
    if form.validate_on_submit():
        chosen = [
            status
            for status, wanted in (
                (RegistrationStatus.CONFIRMED, form.to_confirmed.data),
                (RegistrationStatus.PENDING, form.to_pending.data),
                (RegistrationStatus.WAITLISTED, form.to_waitlisted.data),
            )
            if wanted
        ]
        try:
            sent = staff_service.send_message(
                event_date.id,
                filled(form.subject.data),
                filled(form.text.data),
                chosen,
                current_user,
                clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                ngettext(
                    "Die Nachricht geht an %(num)d Person.",
                    "Die Nachricht geht an %(num)d Personen.",
                    sent.recipients,
                ),
                "success",
            )
            return redirect(url_for(".date_page", date_id=event_date.id))
    return render_template(
        "registrations_staff/message.html",
        form=form,
        date=event_date,
        seats=seats_by_date([event_date])[event_date.id],
        counts=participants.status_counts(event_date.id),
        statuses=RegistrationStatus,
    )
