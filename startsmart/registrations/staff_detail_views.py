"""Staff: one registration — who, where it stands, its history and mails — and what staff do
with it: cancel at the person's request, send its mail again, correct the e-mail address."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import filled
from startsmart.registrations import detail, seats, staff_actions
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.registrations.queries import seats_by_date
from startsmart.registrations.staff_forms import EmailChangeForm, StaffCancelForm
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("registrations_detail_staff", __name__, url_prefix="/staff/termine")


def _registration_or_404(date_id: int, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_date_id != date_id:
        abort(404)
    return registration


def _detail_url(registration: Registration) -> str:
    return url_for(
        ".detail_page", date_id=registration.event_date_id, registration_id=registration.id
    )


def _page(template: str, registration: Registration, **context):
    date = registration.event_date
    return render_template(
        f"registrations_detail_staff/{template}",
        registration=registration,
        date=date,
        seats=seats_by_date([date])[date.id],
        now=clock.now(),
        **context,
    )


@bp.get("/<int:date_id>/anmeldungen/<int:registration_id>")
@staff_required(Role.EVENT_TEAM)
def detail_page(date_id: int, registration_id: int):
    registration = _registration_or_404(date_id, registration_id)
    return _page(
        "detail.html",
        registration,
        position=seats.waitlist_position(registration),
        history=detail.history(registration),
        mails=detail.mails_of(registration),
        mail_kind=detail.mail_kind,
        others=staff_actions.others_of(registration),
        resend_form=FlaskForm(),
        resend_name=_resend_name(registration),
    )


def _resend_name(registration: Registration) -> str | None:
    """The button's text, or None where nothing can be sent again."""
    return (
        {
            RegistrationStatus.PENDING: _("Bestätigungslink erneut senden"),
            RegistrationStatus.CONFIRMED: _("Einladung erneut senden"),
            RegistrationStatus.WAITLISTED: _("Wartelisten-Bestätigung erneut senden"),
        }.get(registration.status)
        if registration.person is not None
        else None
    )


@bp.route("/<int:date_id>/anmeldungen/<int:registration_id>/stornieren", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def cancel(date_id: int, registration_id: int):
    registration = _registration_or_404(date_id, registration_id)
    form = StaffCancelForm()
    if form.validate_on_submit():
        try:
            staff_actions.cancel_on_request(
                registration.id,
                filled(form.reason.data),
                bool(form.notify.data),
                current_user,
                clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            if error.field is None:  # nothing to correct in the form: already cancelled, …
                flash(error.message, "error")
                return redirect(_detail_url(registration))
            attach_error(form, error)
        else:
            if form.notify.data:
                message = _("Die Anmeldung ist storniert; die Person erhält eine E-Mail.")
            else:
                message = _("Die Anmeldung ist storniert; es wurde keine E-Mail verschickt.")
            flash(message, "success")
            return redirect(_detail_url(registration))
    return _page("cancel.html", registration, form=form)


@bp.post("/<int:date_id>/anmeldungen/<int:registration_id>/erneut-senden")
@staff_required(Role.EVENT_TEAM)
def resend(date_id: int, registration_id: int):
    registration = _registration_or_404(date_id, registration_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        flash(_("Das Formular war veraltet; bitte versuchen Sie es noch einmal."), "error")
        return redirect(_detail_url(registration))
    try:
        sent = staff_actions.resend(registration.id, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("%(what)s ist unterwegs an %(to)s.", what=sent.name, to=sent.recipient), "success")
    return redirect(_detail_url(registration))


@bp.route("/<int:date_id>/anmeldungen/<int:registration_id>/e-mail", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def email(date_id: int, registration_id: int):
    registration = _registration_or_404(date_id, registration_id)
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            change = staff_actions.change_email(
                registration.id,
                filled(form.email.data),
                bool(form.notify.data),
                current_user,
                clock.now(),
            )
        except DomainError as error:
            db.session.rollback()
            if error.field is None:  # nothing to correct in the form: cancelled meanwhile, …
                flash(error.message, "error")
                return redirect(_detail_url(registration))
            attach_error(form, error)
        else:
            flash(
                _(
                    "Die E-Mail-Adresse ist geändert: %(old)s → %(new)s.",
                    old=change.old,
                    new=change.new,
                ),
                "success",
            )
            if change.known_as:
                flash(
                    _(
                        "Die neue Adresse war schon bekannt (%(name)s); die Anmeldung gehört "
                        "jetzt zu diesem Eintrag.",
                        name=change.known_as,
                    ),
                    "info",
                )
            if change.sent:
                flash(
                    _(
                        "%(what)s ist unterwegs an %(to)s.",
                        what=change.sent.name,
                        to=change.sent.recipient,
                    ),
                    "success",
                )
            return redirect(_detail_url(registration))
    return _page(
        "email.html",
        registration,
        form=form,
        others=staff_actions.others_of(registration),
        notify_hint={
            RegistrationStatus.PENDING: _(
                "Eine neue E-Mail mit dem Link, um die Anmeldung zu bestätigen."
            ),
            RegistrationStatus.CONFIRMED: _(
                "Die Einladung mit dem Kalendereintrag (derselbe Eintrag, kein zweiter)."
            ),
            RegistrationStatus.WAITLISTED: _("Die Bestätigung des Wartelistenplatzes."),
        }.get(registration.status),
    )
