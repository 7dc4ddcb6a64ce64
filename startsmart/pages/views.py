"""Public pages that are mostly text."""

from __future__ import annotations

from flask import Blueprint, render_template

from startsmart.catalog import service as catalog

bp = Blueprint("pages", __name__)


@bp.get("/")
def start():
    return render_template("pages/start.html", formats=catalog.formats_overview())


@bp.get("/impressum")
def imprint():
    return render_template("pages/imprint.html")


@bp.get("/datenschutz")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/barrierefreiheit")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/leichte-sprache")
def easy_language():
    """Start Smart explained in Leichte Sprache; in English, the same page in plain English."""
    return render_template("pages/easy_language.html")
