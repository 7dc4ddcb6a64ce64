"""Staff: one municipality's page with its notes; the municipalities public forms invented,
to accept or to merge into a known one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import choices
from startsmart.municipalities import notes, page, review
from startsmart.municipalities.models import Municipality
from startsmart.municipalities.staff_forms import MergeForm, NoteForm
from startsmart.staff.access import may_open, staff_required
from startsmart.staff.models import Role

bp = Blueprint("municipalities_staff", __name__, url_prefix="/staff/kommunen")


@bp.get("/ungeprueft")
@staff_required(Role.EVENT_TEAM)
def unverified():
    return render_template("municipalities_staff/unverified.html", page=review.unverified())


@bp.post("/<int:municipality_id>/annehmen")
@staff_required(Role.EVENT_TEAM)
def accept(municipality_id: int):
    try:
        municipality = review.accept(municipality_id, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "„%(name)s“ ist angenommen und wird in den Formularen vorgeschlagen.",
                name=municipality.name,
            ),
            "success",
        )
    return redirect(url_for(".unverified"))


@bp.route("/<int:municipality_id>/zusammenfuehren", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def merge(municipality_id: int):
    invented = db.session.get(Municipality, municipality_id) or abort(404)
    if invented.verified_at is not None:
        flash(_("„%(name)s“ ist bereits geprüft.", name=invented.name), "info")
        return redirect(url_for(".unverified"))
    form = MergeForm()
    if form.validate_on_submit():
        try:
            merged = review.merge(invented.id, form.into.data, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            invented = db.session.get(Municipality, municipality_id) or abort(404)
        else:
            flash(
                _(
                    "„%(name)s“ ist mit „%(into)s“ zusammengeführt. Verschoben: Anmeldungen "
                    "%(registrations)d, Beratungen %(consultations)d, Personen %(people)d.",
                    name=merged.name,
                    into=merged.into.name,
                    registrations=merged.registrations,
                    consultations=merged.consultations,
                    people=merged.people,
                ),
                "success",
            )
            return redirect(url_for(".unverified"))
    targets = review.merge_targets(invented)
    form.into.choices = choices([("", _("– bitte wählen –")), *((m.id, m.name) for m in targets)])
    registrations, consultations = review.uses_of(invented.id)
    return render_template(
        "municipalities_staff/merge.html",
        municipality=invented,
        form=form,
        targets=targets,
        closest=review.closest(invented.name, targets),
        registrations=registrations,
        consultations=consultations,
    )


@bp.get("/<int:municipality_id>")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def detail(municipality_id: int):
    return _render_detail(municipality_id, NoteForm())


def _render_detail(municipality_id: int, form: NoteForm):
    now = clock.now()
    shown = page.page(municipality_id, now) or abort(404)
    return render_template(
        "municipalities_staff/detail.html", page=shown, form=form, may_open=may_open, now=now
    )


@bp.post("/<int:municipality_id>/notizen")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def add_note(municipality_id: int):
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_detail(municipality_id, form)
    try:
        notes.add_note(municipality_id, form.text.data or "", current_user, clock.now())
    except DomainError:
        abort(404)
    flash(_("Die Notiz ist gespeichert."), "success")
    return redirect(url_for(".detail", municipality_id=municipality_id, _anchor="notizen"))


@bp.post("/<int:municipality_id>/notizen/<int:note_id>/loeschen")
@staff_required(Role.ADVISOR, Role.EVENT_TEAM)
def delete_note(municipality_id: int, note_id: int):
    if notes.delete_note(municipality_id, note_id, current_user, clock.now()):
        flash(_("Die Notiz ist gelöscht."), "success")
    else:
        flash(_("Diese Notiz gibt es nicht mehr, oder sie ist nicht Ihre."), "error")
    return redirect(url_for(".detail", municipality_id=municipality_id))
