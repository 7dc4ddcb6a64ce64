"""Staff: one municipality's page with its notes; the municipalities public forms invented,
to accept or to merge into a known one; merging any row into another of its Land; typed rows
whose name fits several directory entries, to pick one or keep the row."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.municipalities import candidates, matching, merging, notes, page, review
from startsmart.municipalities.models import Municipality
from startsmart.municipalities.staff_forms import MergeForm, NoteForm
from startsmart.staff.access import may_open, staff_required
from startsmart.staff.models import Role

bp = Blueprint("municipalities_staff", __name__, url_prefix="/staff/kommunen")

MAX_QUERY = 100  # a name to look for; longer text finds nothing anyway


@bp.app_template_filter("population")
def population(number: int) -> str:
    """A head count as the page's language writes it (21.852, 21,852)."""
    return format_number(number)


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
    municipality = db.session.get(Municipality, municipality_id) or abort(404)
    form = MergeForm()
    if form.validate_on_submit():
        was_unverified = municipality.verified_at is None
        try:
            merged = merging.merge(municipality.id, form.into.data, current_user, clock.now())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
            municipality = db.session.get(Municipality, municipality_id) or abort(404)
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
            if was_unverified:
                return redirect(url_for(".unverified"))
            return redirect(url_for(".detail", municipality_id=merged.into.id))
    query = " ".join((request.args.get("q") or "").split())[:MAX_QUERY]
    found = candidates.search(municipality, query) if query else None
    closest = candidates.closest(municipality)
    registrations, consultations = review.uses_of(municipality.id)
    return render_template(
        "municipalities_staff/merge.html",
        municipality=municipality,
        form=form,
        query=query,
        max_query=MAX_QUERY,
        found=found,
        closest=closest,
        has_targets=bool(closest) or candidates.any_in_land(municipality),
        registrations=registrations,
        consultations=consultations,
    )


@bp.get("/mehrdeutig")
@staff_required(Role.EVENT_TEAM)
def ambiguous():
    return _render_ambiguous()


def _render_ambiguous(failed: int | None = None, error: str | None = None, status: int = 200):
    return (
        render_template(
            "municipalities_staff/ambiguous.html",
            rows=matching.ambiguous(),
            failed=failed,
            error=error,
        ),
        status,
    )


@bp.post("/<int:municipality_id>/zuordnen")
@staff_required(Role.EVENT_TEAM)
def pick(municipality_id: int):
    form = MergeForm()
    if not form.validate_on_submit():
        message = next(iter(form.into.errors), None) or _("Bitte laden Sie die Seite neu.")
        return _render_ambiguous(municipality_id, str(message))
    try:
        merged = matching.pick(municipality_id, form.into.data, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        return _render_ambiguous(municipality_id, error.message)
    flash(
        _(
            "„%(name)s“ ist jetzt „%(into)s“. Verschoben: Anmeldungen %(registrations)d, "
            "Beratungen %(consultations)d, Personen %(people)d.",
            name=merged.name,
            into=merged.into.name,
            registrations=merged.registrations,
            consultations=merged.consultations,
            people=merged.people,
        ),
        "success",
    )
    return redirect(url_for(".ambiguous"))


@bp.post("/<int:municipality_id>/behalten")
@staff_required(Role.EVENT_TEAM)
def keep(municipality_id: int):
    try:
        kept = matching.keep(municipality_id, current_user, clock.now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "„%(name)s“ bleibt eine eigene Kommune und wird hier nicht mehr angezeigt.",
                name=kept.name,
            ),
            "success",
        )
    return redirect(url_for(".ambiguous"))


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
