"""Public: one participant's speed-dating by their personal code (the phone view's data).

The code is the only secret, so unknown codes are rate-limited per client address (guessing
is slow: 25^8 codes, a few dozen tries a minute). Known codes have a budget of their own per
address and code, because at a conference every phone shares the venue's one address.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_limiter.util import get_remote_address

from startsmart.conferences import speed_api
from startsmart.database import utcnow
from startsmart.extensions import limiter

bp = Blueprint("speed_dating_public", __name__, url_prefix="/sd")

UNKNOWN_CODE_LIMIT = "30 per minute;300 per hour"
KNOWN_CODE_LIMIT = "120 per minute"


def _address_and_code() -> str:
    return f"{get_remote_address()}:{(request.view_args or {}).get('code', '')[:20]}"


@bp.get("/<code>.json")
@limiter.limit(UNKNOWN_CODE_LIMIT, deduct_when=lambda response: response.status_code == 404)
@limiter.limit(KNOWN_CODE_LIMIT, key_func=_address_and_code)
def participant_json(code: str):
    """Where this person sits now and later, with whom (names and municipalities only), the
    questions and the clock. ``?version=N``: only the clock if N is still current."""
    person = speed_api.participant_by_code(code)
    if person is None:
        response = jsonify(error="unknown code")
        response.status_code = 404
    else:
        known = request.args.get("version", "")
        version = int(known) if known.isascii() and known.isdigit() and len(known) < 12 else None
        response = jsonify(speed_api.participant_payload(person, utcnow(), version))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
