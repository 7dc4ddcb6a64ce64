"""Meine Buchungen: ask for the link (same answer for every address), open the list."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired

from startsmart import clock
from startsmart.extensions import db, limiter
from startsmart.form_fields import Form, MaxLength
from startsmart.forms import REQUIRED, UsableEmail
from startsmart.my_bookings import service
from startsmart.security import no_store

bp = Blueprint("my_bookings", __name__)


class LinkForm(Form):
    email = EmailField(
        _l("E-Mail-Adresse"),
        description=_l("Die Adresse, mit der Sie sich angemeldet oder gebucht haben."),
        validators=[
            DataRequired(REQUIRED),
            MaxLength(254),
            UsableEmail(),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    # Honeypot, as on the registration form: hidden from people, filled in by bots.
    website = StringField(
        _l("Bitte leer lassen"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )


def _limit() -> str:
    return current_app.config["MY_BOOKINGS_RATE_LIMIT"]


@bp.route("/meine-buchungen", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def ask():
    form = LinkForm()
    if form.validate_on_submit():
        if not form.website.data:
            service.request_link(form.email.data or "", str(get_locale() or "de"), clock.now())
        # The same answer whatever happened: known, unknown, over budget or a bot.
        return redirect(url_for("my_bookings.sent"))
    return render_template("my_bookings/ask.html", form=form)


@bp.get("/meine-buchungen/gesendet")
def sent():
    return render_template("my_bookings/sent.html", hours=service.link_hours())


@bp.get("/meine-buchungen/<token>")
@no_store
@limiter.limit(lambda: current_app.config["MANAGE_RATE_LIMIT"])
def overview(token: str):
    now = clock.now()
    person = service.person_for_token(token, now)
    if person is None:
        abort(410)
    entries = service.entries(person, now)
    db.session.commit()  # the manage links just minted for the list
    return render_template(
        "my_bookings/overview.html",
        person=person,
        upcoming=[e for e in entries if not e.past(now)][::-1],
        past=[e for e in entries if e.past(now)],
    )
