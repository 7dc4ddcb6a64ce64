"""Staff: the consultations (upcoming, follow-up overdue, recently held), each with its details,
notes and recommendations, the follow-up mail, hand-over and cancelling."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.consultations import booking, feed, followup, overview, video_links
from startsmart.consultations.forms import ConfirmForm
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.consultations.permissions import NotPermitted, may_act
from startsmart.consultations.staff_forms import (
    JoinLinkForm,
    NotesForm,
    ReassignForm,
    RoomForm,
    StaffCancelForm,
)
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import choices, filled
from startsmart.i18n import berlin_datetime
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role, StaffUser

bp = Blueprint("consultations_staff", __name__, url_prefix="/staff/beratungen")


@bp.get("/")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def index():
    now = clock.now()
    mine = request.args.get("alle") is None and current_user.role is Role.ADVISOR
    advisor_id = current_user.id if mine else None
    recent = overview.recent(now, advisor_id)
    return render_template(
        "consultations_staff/index.html",
        upcoming=overview.upcoming(now, advisor_id),
        missing_links=video_links.missing(now, advisor_id),
        overdue=followup.overdue(now, current_user if mine else None),
        recent=[(c, followup.state(c, now)) for c in recent],
        recent_days=overview.RECENT_DAYS,
        mine=mine,
    )


@bp.route("/kalender-abo", methods=["GET", "POST"])
@staff_required(Role.ADVISOR)
def calendar_feed():
    """The advisor's own subscription URL: create or replace it; it is shown only once."""
    now = clock.now()
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


def _consultation_or_404(consultation_id: int) -> Consultation:
    return db.session.get(Consultation, consultation_id) or abort(404)


def _when(event_date: EventDate) -> str:
    return berlin_datetime(event_date.starts_at, "short")


def _recommendation(event_date: EventDate) -> str:
    """A date as a checkbox label: format (unless the title names it), title, time."""
    offering = event_date.offering
    title = offering.title
    if offering.format.label not in title:
        title = f"{offering.format.label}: {title}"
    return f"{title} – {_when(event_date)}"


def _detail(
    consultation: Consultation,
    notes_form: NotesForm | None = None,
    reassign_form: ReassignForm | None = None,
    link_form: JoinLinkForm | None = None,
):
    """The page; a form that was just sent keeps its input and errors."""
    now = clock.now()
    acting = may_act(current_user, consultation)
    if notes_form is None:
        notes_form = NotesForm(
            formdata=None,
            data={
                "notes": consultation.notes,
                "recommended": [d.id for d in consultation.recommendations],
            },
        )
    options = followup.suggestions(consultation, now) if acting else []
    options += [d for d in consultation.recommendations if d not in options and d.starts_at > now]
    notes_form.recommended.choices = choices((d.id, _recommendation(d)) for d in options)
    if reassign_form is None:
        reassign_form = ReassignForm(formdata=None)
    reassign_form.advisor.choices = choices(
        [
            ("", _("– bitte wählen –")),
            *(
                (a.id, a.name)
                for a in overview.active_advisors()
                if a.id != consultation.advisor_id
            ),
        ]
    )
    if link_form is None:
        link_form = JoinLinkForm(formdata=None, data={"join_url": consultation.join_url})
    held = consultation.status is ConsultationStatus.CONFIRMED and consultation.ends_at <= now
    return render_template(
        "consultations_staff/detail.html",
        consultation=consultation,
        acting=acting,
        changeable=acting and consultation.is_active and consultation.starts_at > now,
        held=held,
        follow_up=followup.state(consultation, now) if held else None,
        due_on=followup.due_on(consultation),
        notes_form=notes_form,
        reassign_form=reassign_form,
        link_form=link_form,
        send_form=ConfirmForm(formdata=None),
    )


@bp.get("/<int:consultation_id>")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def detail(consultation_id: int):
    return _detail(_consultation_or_404(consultation_id))


def _refused(form, error: DomainError, consultation: Consultation):
    """Nothing was saved. Not allowed: say so above the page; otherwise the message goes next
    to its field and the page is shown again with what was typed (returns None)."""
    db.session.rollback()
    if isinstance(error, NotPermitted):
        flash(error.message, "error")
        return redirect(url_for(".detail", consultation_id=consultation.id))
    attach_error(form, error)
    return None


@bp.post("/<int:consultation_id>/notizen")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def notes(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = NotesForm()
    if form.validate_on_submit():
        try:
            followup.record(
                consultation.id,
                form.notes.data or "",
                form.recommended.data or (),
                current_user,
                clock.now(),
            )
        except DomainError as error:
            if refusal := _refused(form, error, consultation):
                return refusal
        else:
            flash(_("Notizen und Empfehlungen sind gespeichert."), "success")
            return redirect(url_for(".detail", consultation_id=consultation.id))
    return _detail(consultation, notes_form=form)


@bp.post("/<int:consultation_id>/link")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def join_link(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = JoinLinkForm()
    if form.validate_on_submit():
        try:
            video_links.set_link(consultation.id, form.join_url.data, current_user, clock.now())
        except DomainError as error:
            if refusal := _refused(form, error, consultation):
                return refusal
        else:
            message = _("Der Link ist gespeichert.")
            if consultation.status is ConsultationStatus.CONFIRMED:
                message += " " + _(
                    "Die Kommune und die Beraterin oder der Berater erhalten eine Aktualisierung."
                )
            flash(message, "success")
            return redirect(url_for(".detail", consultation_id=consultation.id))
    return _detail(consultation, link_form=form)


@bp.route("/videoraum", methods=["GET", "POST"])
@bp.route("/videoraum/<int:advisor_id>", methods=["GET", "POST"])
@staff_required(Role.ADVISOR)
def room(advisor_id: int | None = None):
    """An advisor's personal video room: their own, or (admins) anybody's."""
    if advisor_id is not None and advisor_id != current_user.id:
        if current_user.role is not Role.ADMIN:
            abort(403)
        advisor = db.session.get(StaffUser, advisor_id) or abort(404)
    else:
        advisor = current_user
    if request.method == "GET":
        form = RoomForm(data={"room_url": advisor.room_url})
    else:
        form = RoomForm()
    if form.validate_on_submit():
        try:
            told = video_links.set_room(advisor.id, form.room_url.data, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                _("Der Videoraum ist gespeichert.")
                + (
                    " "
                    + ngettext(
                        "%(num)d Beratung erhält eine Aktualisierung.",
                        "%(num)d Beratungen erhalten eine Aktualisierung.",
                        told,
                    )
                    if told
                    else ""
                ),
                "success",
            )
            return redirect(request.path)
    return render_template("consultations_staff/room.html", form=form, advisor=advisor)


@bp.post("/<int:consultation_id>/follow-up")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def send_follow_up(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    try:
        followup.send(consultation.id, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        person = consultation.person
        assert person is not None  # followup.send refuses a consultation without one
        flash(_("Das Follow-up ist an %(email)s unterwegs.", email=person.email), "success")
    return redirect(url_for(".detail", consultation_id=consultation.id))


@bp.post("/<int:consultation_id>/uebergeben")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def reassign(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = ReassignForm()
    if form.validate_on_submit():
        try:
            booking.reassign(consultation.id, form.advisor.data or 0, current_user, clock.now())
        except DomainError as error:
            if refusal := _refused(form, error, consultation):
                return refusal
        else:
            message = _("Die Beratung liegt jetzt bei %(name)s.", name=consultation.advisor.name)
            if consultation.invitation_sent:
                message += " " + _(
                    "Die bisher zuständige Person erhält eine Absage für ihren Kalender, die "
                    "neue und die Kommune eine aktualisierte Einladung."
                )
            flash(message, "success")
            return redirect(url_for(".detail", consultation_id=consultation.id))
    return _detail(consultation, reassign_form=form)


@bp.route("/<int:consultation_id>/absagen", methods=["GET", "POST"])
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def cancel(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = StaffCancelForm()
    if form.validate_on_submit():
        try:
            booking.cancel_by_staff(
                consultation.id, current_user, filled(form.reason.data), clock.now()
            )
        except DomainError as error:
            if refusal := _refused(form, error, consultation):
                return refusal
        else:
            flash(
                _(
                    "Die Beratung ist abgesagt. Die Kommune und die Beraterin oder der Berater "
                    "haben die Absage für ihren Kalender erhalten."
                ),
                "success",
            )
            return redirect(url_for(".detail", consultation_id=consultation.id))
    return render_template(
        "consultations_staff/cancel.html",
        consultation=consultation,
        form=form,
        acting=may_act(current_user, consultation),
        now=clock.now(),
    )
