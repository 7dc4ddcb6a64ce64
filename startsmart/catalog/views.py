"""Public catalogue: the offerings and their upcoming dates."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from startsmart.catalog import service
from startsmart.database import utcnow

bp = Blueprint("catalog", __name__, url_prefix="/angebote")


@bp.get("/")
def index():
    return render_template(
        "catalog/index.html",
        formats=service.formats_overview(),
        dates=service.upcoming_dates(utcnow()),
    )


@bp.get("/<slug>")
def offering(slug: str):
    item = service.offering_by_slug(slug) or abort(404)
    return render_template(
        "catalog/offering.html", offering=item, dates=service.upcoming_dates(utcnow(), item)
    )
