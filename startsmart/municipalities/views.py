"""The directory search the forms' Kommune field asks while somebody types (JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from startsmart.extensions import limiter
from startsmart.municipalities import directory_search
from startsmart.municipalities.models import FederalState

bp = Blueprint("municipalities", __name__)

# Typing asks once per pause; a generous limit still stops somebody walking the directory.
SEARCH_LIMIT = "120 per minute"


@bp.get("/kommunen/suche")
@limiter.limit(SEARCH_LIMIT)
def search():
    """``?q=heide`` (and optionally ``&land=SH``): up to ten municipalities, labelled in the
    page's language. An unknown Land searches everywhere rather than failing."""
    try:
        state: FederalState | None = FederalState(request.args.get("land", ""))
    except ValueError:
        state = None
    found = directory_search.find(request.args.get("q", "")[:200], state)
    response = jsonify(results=[municipality.as_json() for municipality in found])
    # The labels follow the language (cookie or browser); the directory changes once a year.
    response.headers["Cache-Control"] = "private, max-age=300"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
