"""Staff: one workshop (or World Café) of a conference with a choice: who has a place and who
waits, in order; moving people within the time slot; entering a person who chose nothing;
check-in; the list as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from startsmart import clock
from startsmart.catalog.slugs import slugify
from startsmart.clock import BERLIN
from startsmart.conferences import choices, workshop_staff
from startsmart.conferences.forms import AssignForm, MoveForm, picked_id
from startsmart.conferences.models import ChoiceStatus, Conference, ConferenceSession
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import Form, attach_error
from startsmart.input_guard import database_int
from startsmart.registrations import export
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("conferences_workshops_staff", __name__, url_prefix="/staff/regionalkonferenzen")


def _found(conference_id: int, session_id: int) -> tuple[Conference, ConferenceSession]:
    conference = db.session.get(Conference, conference_id) or abort(404)
    session = workshop_staff.session_of(conference.id, session_id) or abort(404)
    return conference, session


def _slot_of(session: ConferenceSession) -> choices.ChoiceSlot | None:
    return workshop_staff.slot_holding(session)


def _move_form(session: ConferenceSession, slot: choices.ChoiceSlot | None) -> MoveForm:
    form = MoveForm()
    others = [s for s in slot.sessions if s.id != session.id] if slot else []
    form.target.choices = [(str(s.id), s.title) for s in others]
    return form


def _assign_form(session: ConferenceSession) -> AssignForm:
    form = AssignForm()
    form.registration.choices = [
        (str(r.id), _label(r)) for r in workshop_staff.without_choice(session)
    ]
    return form


def _label(registration) -> str:
    name = registration.person.name if registration.person else ""
    municipality = registration.municipality
    return f"{name} ({municipality.name})" if municipality else name


def _page(conference, session, move_form=None, moving=None, assign_form=None):
    slot = _slot_of(session)
    rows = workshop_staff.participants(session.id)
    seated = sum(1 for row in rows if row.position is None)
    return render_template(
        "conferences_workshops_staff/session.html",
        conference=conference,
        session=session,
        slot=slot,
        rows=rows,
        seated=seated,
        waiting=len(rows) - seated,
        move_form=move_form or _move_form(session, slot),
        moving=moving,
        assign_form=assign_form or _assign_form(session),
        now=clock.now(),
    )


@bp.get("/<int:conference_id>/workshops/<int:session_id>")
@staff_required(Role.EVENT_TEAM)
def session_page(conference_id: int, session_id: int):
    conference, session = _found(conference_id, session_id)
    return _page(conference, session)


@bp.post("/<int:conference_id>/workshops/<int:session_id>/verschieben/<int:choice_id>")
@staff_required(Role.EVENT_TEAM)
def move(conference_id: int, session_id: int, choice_id: int):
    conference, session = _found(conference_id, session_id)
    form = _move_form(session, _slot_of(session))
    if form.validate_on_submit():
        try:
            workshop_staff.move(
                choice_id,
                picked_id(form.target),
                current_user,
                clock.now(),
                override=form.override.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Person ist verschoben."), "success")
            return redirect(
                url_for(".session_page", conference_id=conference.id, session_id=session.id)
            )
    return _page(conference, session, form, moving=choice_id)


@bp.post("/<int:conference_id>/workshops/<int:session_id>/eintragen")
@staff_required(Role.EVENT_TEAM)
def assign(conference_id: int, session_id: int):
    conference, session = _found(conference_id, session_id)
    form = _assign_form(session)
    if form.validate_on_submit():
        try:
            choice = workshop_staff.assign(
                session.id,
                picked_id(form.registration),
                current_user,
                clock.now(),
                override=form.override.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            if choice.status is ChoiceStatus.SEATED:
                flash(_("Die Person ist eingetragen und hat einen Platz."), "success")
            else:
                flash(_("Der Programmpunkt ist voll: die Person steht auf der Warteliste."), "info")
            return redirect(
                url_for(".session_page", conference_id=conference.id, session_id=session.id)
            )
    return _page(conference, session, assign_form=form)


@bp.post("/<int:conference_id>/workshops/<int:session_id>/anwesenheit")
@staff_required(Role.EVENT_TEAM)
def check_in(conference_id: int, session_id: int):
    conference, session = _found(conference_id, session_id)
    form = Form()
    back = redirect(url_for(".session_page", conference_id=conference.id, session_id=session.id))
    if not form.validate_on_submit():
        flash(_("Bitte senden Sie das Formular noch einmal."), "error")
        return back
    try:
        present = {database_int(value) for value in request.form.getlist("anwesend")}
        changed = workshop_staff.check_in(session.id, present, current_user, clock.now())
    except ValueError:
        flash(_("Eine der Personen hat in diesem Programmpunkt keinen Platz."), "error")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "Anwesenheit gespeichert (%(num)d Änderung).",
                "Anwesenheit gespeichert (%(num)d Änderungen).",
                changed,
            ),
            "success",
        )
    return back


@bp.get("/<int:conference_id>/workshops/<int:session_id>/teilnehmende.csv")
@staff_required(Role.EVENT_TEAM)
def export_csv(conference_id: int, session_id: int):
    conference, session = _found(conference_id, session_id)
    header, table = workshop_staff.csv_table(workshop_staff.participants(session.id))
    data = export.write_csv(header, table, yes=_("ja"), no=_("nein"))
    day = session.starts_at.astimezone(BERLIN).strftime("%Y-%m-%d")
    filename = f"workshop-{slugify(session.title, fallback='workshop')}-{day}.csv"
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not in any cache
    return response
