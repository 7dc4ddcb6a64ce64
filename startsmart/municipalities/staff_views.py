"""Staff: the municipalities public forms invented, to accept or to merge into a known one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import attach_error
from startsmart.forms import choices
from startsmart.municipalities import review
from startsmart.municipalities.models import Municipality
from startsmart.municipalities.staff_forms import MergeForm
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("municipalities_staff", __name__, url_prefix="/staff/kommunen")


@bp.app_template_global()
def unverified_municipalities() -> int:
    """For the dashboard: how many invented municipalities wait for a look."""
    return review.waiting()


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
