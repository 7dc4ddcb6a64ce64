"""Public: one participant's speed-dating by their personal code — the phone view and its data.

The code is the only secret, so unknown codes are rate-limited per client address (guessing
is slow: 25^8 codes, a few dozen tries a minute), and the page and its JSON share that budget.
Known codes have a budget of their own per address and code, because at a conference every
phone shares the venue's one address; known codes are exempt from the budget for unknown ones. An
unknown code gets the same kind answer whether it
never existed or its data has been deleted.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from startsmart import clock
from startsmart.extensions import limiter
from startsmart.speed_dating import payloads, screens, words
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.speed_dating.service import display_code

bp = Blueprint("speed_dating", __name__, url_prefix="/sd")

UNKNOWN_CODE_LIMIT = "30 per minute;300 per hour"
KNOWN_CODE_LIMIT = "120 per minute"


def _address_and_code() -> str:
    return f"{get_remote_address()}:{(request.view_args or {}).get('code', '')[:20]}"


def _asked_for() -> SpeedDatingParticipant | None:
    """The participant whose code the request names (looked up once per request)."""
    if "speed_dating_participant" not in g:
        code = (request.view_args or {}).get("code", "")
        g.speed_dating_participant = payloads.participant_by_code(code)
    return g.speed_dating_participant


# Shared by the page and the JSON: a guess costs the same budget whichever one it asks. A known
# code is exempt, so the venue's typos never hold up the phones polling their own plan.
unknown_codes = limiter.shared_limit(
    UNKNOWN_CODE_LIMIT,
    scope="speed-dating-unknown-code",
    exempt_when=lambda: _asked_for() is not None,
    deduct_when=lambda response: response.status_code == 404,
)
known_code = limiter.shared_limit(
    KNOWN_CODE_LIMIT, scope="speed-dating-code", key_func=_address_and_code
)


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"  # the code is in the address
    return response


def _known_version() -> int | None:
    known = request.args.get("version", "")
    return int(known) if known.isascii() and known.isdigit() and len(known) < 12 else None


@bp.get("/")
@bp.get("")  # the address printed and mailed: PUBLIC_URL/sd
def enter():
    """Type the code from the card or the mail; any case, spaces and hyphens are fine."""
    typed = request.args.get("code")
    error = None
    if typed is not None:
        code = payloads.normalise_code(typed[:40])
        if code is not None:
            return redirect(url_for(".phone", code=code))
        error = _(
            "Ein Code hat 8 Zeichen, Buchstaben und Ziffern, zum Beispiel 7KX4 MQ9T. "
            "Bitte prüfen Sie Ihre Eingabe."
        )
    response = current_app.make_response(
        (
            render_template("speed_dating/phone_code.html", typed=typed or "", error=error),
            200 if error is None else 422,
        )
    )
    return _private(response)


def _unknown(typed: str):
    response = current_app.make_response(
        (render_template("speed_dating/phone_unknown.html", typed=typed), 404)
    )
    return _private(response)


@bp.get("/<code>")
@unknown_codes
@known_code
def phone(code: str):
    """Where this person sits now and later, with whom, the questions and the countdown."""
    canonical = payloads.normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for(".phone", code=canonical))
    person = _asked_for()
    if person is None:
        return _unknown(code[:40])
    view = payloads.participant_payload(person, clock.now())
    round_clock = view["clock"]
    schedule = [
        {**seat, "state": screens.seat_state(seat["round"], round_clock)}
        for seat in view["schedule"]
    ]
    response = current_app.make_response(
        render_template(
            "speed_dating/phone.html",
            view=view,
            focus=screens.phone_focus(view),
            schedule=schedule,
            code=display_code(person.code),
            starts_at=datetime.fromisoformat(view["timing"]["starts_at"]),
            screens=screens,
            texts=words.phone_texts(),
            feed=url_for(".participant_json", code=person.code),
            poll_seconds=current_app.config["SPEED_DATING_PHONE_POLL_SECONDS"],
        )
    )
    return _private(response)


@bp.get("/<code>.json")
@unknown_codes
@known_code
def participant_json(code: str):
    """Where this person sits now and later, with whom (names and municipalities only), the
    questions and the clock. ``?version=N``: only the clock if N is still current."""
    person = _asked_for()
    if person is None:
        response = jsonify(error="unknown code")
        response.status_code = 404
    else:
        response = jsonify(payloads.participant_payload(person, clock.now(), _known_version()))
    return _private(response)
