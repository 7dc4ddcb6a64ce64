"""Staff: an advisor's consultation hours (weekly hours, absences, extra windows) with a preview
of the next free slots. Advisors keep their own, admins anyone's, the event team looks."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from startsmart import clock, repeated_hour
from startsmart.consultations import availability_service as service
from startsmart.consultations import overview
from startsmart.consultations.models import AdvisorAbsence, Channel, ExtraHours, WeeklyHours
from startsmart.consultations.permissions import NotPermitted, may_edit_availability
from startsmart.consultations.staff_forms import AbsenceForm, ExtraHoursForm, WeeklyHoursForm
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import choices, filled
from startsmart.i18n import berlin_date
from startsmart.input_guard import database_int
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role, StaffUser

bp = Blueprint("consultations_availability_staff", __name__, url_prefix="/staff/beratungszeiten")


def _advisor_or_404(advisor_id: int) -> StaffUser:
    return service.advisor_or_none(advisor_id) or abort(404)


def _may_view(advisor: StaffUser) -> None:
    if current_user.role is Role.ADVISOR and current_user.id != advisor.id:
        abort(403)


def _may_edit(advisor_id: int) -> None:
    if not may_edit_availability(current_user, advisor_id):
        abort(403)


def _page(advisor_id: int) -> str:
    return url_for(".page", advisor_id=advisor_id)


def _run(form: FlaskForm, call):
    """Call the service; a refusal goes next to its field (None), a forbidden act is a 403."""
    try:
        return call()
    except NotPermitted:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None


def _render(
    advisor: StaffUser,
    weekly: WeeklyHoursForm | None = None,
    absence: AbsenceForm | None = None,
    extra: ExtraHoursForm | None = None,
):
    """The page; the form that was just sent keeps its input and errors, the others start
    empty (formdata=None, or their checkboxes would lose their defaults)."""
    now = clock.now()
    if weekly is None:
        weekly = WeeklyHoursForm(prefix="weekly", formdata=None)
    if absence is None:
        absence = AbsenceForm(prefix="absence", formdata=None)
    if extra is None:
        extra = ExtraHoursForm(prefix="extra", formdata=None)
    extra.conference.choices = choices(
        [
            ("", _("– keine –")),
            *(
                (c.id, f"{c.title} ({berlin_date(c.starts_at, 'medium')})")
                for c in service.upcoming_conferences(now)
            ),
        ]
    )
    return render_template(
        "consultations_availability_staff/availability.html",
        advisor=advisor,
        own=advisor.id == current_user.id,
        hours=service.availability_of(advisor, now),
        preview=service.preview(advisor.id, now),
        editable=may_edit_availability(current_user, advisor.id),
        advisors=[] if current_user.role is Role.ADVISOR else overview.active_advisors(),
        weekdays=service.WEEKDAYS,
        channels=list(Channel),
        weekly_form=weekly,
        absence_form=absence,
        extra_form=extra,
    )


@bp.get("/")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def index():
    """Advisors go to their own hours; the others pick an advisor (the first by default)."""
    if current_user.role is Role.ADVISOR:
        return redirect(_page(current_user.id))
    chosen = request.args.get("berater", type=database_int)
    if chosen is None:
        advisors = overview.active_advisors()
        if not advisors:
            return render_template("consultations_availability_staff/availability_none.html")
        chosen = advisors[0].id
    return redirect(_page(chosen))


@bp.get("/<int:advisor_id>")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def page(advisor_id: int):
    advisor = _advisor_or_404(advisor_id)
    _may_view(advisor)
    return _render(advisor)


@bp.post("/<int:advisor_id>/wochenzeiten")
@staff_required(Role.ADVISOR)
def add_weekly(advisor_id: int):
    advisor = _advisor_or_404(advisor_id)
    _may_edit(advisor.id)
    form = WeeklyHoursForm(prefix="weekly")
    if form.validate_on_submit():
        done = _run(
            form,
            lambda: service.add_weekly_hours(
                advisor.id,
                form.weekday.data if form.weekday.data is not None else -1,
                filled(form.start.data),
                filled(form.end.data),
                form.channels.data or (),
                current_user,
                clock.now(),
            ),
        )
        if done:
            flash(_("Die Sprechzeiten wurden hinzugefügt."), "success")
            return redirect(_page(advisor.id))
    return _render(advisor, weekly=form)


@bp.post("/<int:advisor_id>/abwesenheiten")
@staff_required(Role.ADVISOR)
def add_absence(advisor_id: int):
    advisor = _advisor_or_404(advisor_id)
    _may_edit(advisor.id)
    form = AbsenceForm(prefix="absence")
    if form.validate_on_submit():
        done = _run(
            form,
            lambda: service.add_absence(
                advisor.id,
                filled(form.first_day.data),
                filled(form.last_day.data),
                form.note.data or "",
                current_user,
                clock.now(),
            ),
        )
        if done:
            flash(_("Die Abwesenheit wurde eingetragen."), "success")
            clashes = done[1]
            if clashes:
                flash(
                    ngettext(
                        "Achtung: In dieser Zeit liegt %(num)d gebuchte Beratung. Bitte "
                        "übergeben Sie sie oder sagen Sie sie ab.",
                        "Achtung: In dieser Zeit liegen %(num)d gebuchte Beratungen. Bitte "
                        "übergeben Sie sie oder sagen Sie sie ab.",
                        len(clashes),
                    ),
                    "error",
                )
            return redirect(_page(advisor.id))
    return _render(advisor, absence=form)


@bp.post("/<int:advisor_id>/zusatzzeiten")
@staff_required(Role.ADVISOR)
def add_extra(advisor_id: int):
    advisor = _advisor_or_404(advisor_id)
    _may_edit(advisor.id)
    form = ExtraHoursForm(prefix="extra")
    if form.validate_on_submit() and repeated_hour.settle(
        form.repeated_hour, (form.day, form.start), (form.day, form.end)
    ):
        window = service.ExtraWindowInput(
            day=filled(form.day.data),
            start=filled(form.start.data),
            end=filled(form.end.data),
            channels=tuple(form.channels.data or ()),
            conference_id=form.conference.data,
            label=form.label.data or "",
        )
        if _run(
            form, lambda: service.add_extra_hours(advisor.id, window, current_user, clock.now())
        ):
            flash(_("Das Zeitfenster wurde hinzugefügt."), "success")
            return redirect(_page(advisor.id))
    return _render(advisor, extra=form)


def _remove(model, row_id: int, remove, message: str):
    row = db.session.get(model, row_id) or abort(404)
    _may_edit(row.advisor_id)
    try:
        advisor_id = remove(row.id, current_user, clock.now())
    except NotPermitted:
        abort(403)
    flash(message, "success")
    return redirect(_page(advisor_id))


@bp.post("/wochenzeiten/<int:row_id>/entfernen")
@staff_required(Role.ADVISOR)
def remove_weekly(row_id: int):
    return _remove(
        WeeklyHours,
        row_id,
        service.remove_weekly_hours,
        _("Die Sprechzeiten wurden entfernt. Bereits gebuchte Beratungen bleiben bestehen."),
    )


@bp.post("/abwesenheiten/<int:row_id>/entfernen")
@staff_required(Role.ADVISOR)
def remove_absence(row_id: int):
    return _remove(
        AdvisorAbsence, row_id, service.remove_absence, _("Die Abwesenheit wurde entfernt.")
    )


@bp.post("/zusatzzeiten/<int:row_id>/entfernen")
@staff_required(Role.ADVISOR)
def remove_extra(row_id: int):
    return _remove(
        ExtraHours,
        row_id,
        service.remove_extra_hours,
        _("Das Zeitfenster wurde entfernt. Bereits gebuchte Beratungen bleiben bestehen."),
    )
