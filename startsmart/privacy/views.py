"""Self-service from the manage link: download my data, delete my data, revoke a consent."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation
from startsmart.extensions import db, limiter
from startsmart.privacy import service
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration
from startsmart.security import no_store

bp = Blueprint("privacy", __name__)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: the button is the decision."""


def _person_for(kind: str, token: str):
    now = clock.now()
    item: Registration | Consultation | None
    if kind == "anmeldung":
        item = registrations.registration_for_token(token, now)
    elif kind == "beratung":
        item = booking.consultation_for_token(token, now)
    else:
        abort(404)
    if item is None or item.person is None:
        abort(410)
    return item.person


@bp.app_context_processor
def privacy_helpers() -> dict:
    return {"consents_of": service.consents_of}


@bp.get("/<any(anmeldung, beratung):kind>/<token>/meine-daten")
@no_store
@limiter.limit("20 per hour")
def export(kind: str, token: str):
    person = _person_for(kind, token)
    response = Response(service.export_json(person), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="start-smart-meine-daten.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<any(anmeldung, beratung):kind>/<token>/daten-loeschen", methods=["GET", "POST"])
@no_store
@limiter.limit("20 per hour", methods=["POST"])
def delete(kind: str, token: str):
    person = _person_for(kind, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.delete_person(person, clock.now())
        flash(
            _(
                "Ihre Daten sind gelöscht. Offene Anmeldungen und Beratungen wurden storniert; "
                "die Absagen für Ihren Kalender sind unterwegs."
            ),
            "success",
        )
        return redirect(url_for("privacy.deleted"))
    return render_template(
        "privacy/delete.html",
        form=form,
        person=person,
        kind=kind,
        token=token,
        overview=service.export_person(person),
    )


@bp.get("/daten-geloescht")
def deleted():
    return render_template("privacy/deleted.html")


@bp.post("/<any(anmeldung, beratung):kind>/<token>/einwilligung/<int:consent_id>/widerrufen")
@no_store
def revoke(kind: str, token: str, consent_id: int):
    person = _person_for(kind, token)
    form = ConfirmForm()
    if form.validate_on_submit():
        if service.revoke_consent(person, consent_id, clock.now()):
            flash(_("Ihre Einwilligung ist widerrufen."), "success")
        db.session.commit()
    endpoint = "registrations.manage" if kind == "anmeldung" else "consultations.manage"
    return redirect(url_for(endpoint, token=token))
