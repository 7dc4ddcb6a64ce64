"""Public pages that are mostly text."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, send_from_directory

from startsmart.catalog import service as catalog
from startsmart.pages import barriers, privacy_notice
from startsmart.pages.sign_language import dgs_video

bp = Blueprint("pages", __name__)


@bp.context_processor
def feedback_contact() -> dict[str, str]:
    """Where people report a barrier or ask for DGS: the configured contact, else the operator's
    address (never an empty line)."""
    config = current_app.config
    return {"contact": config["ACCESSIBILITY_CONTACT"] or config["OPERATOR_EMAIL"]}


@bp.get("/")
def start():
    return render_template(
        "pages/start.html",
        formats=catalog.formats_overview(),
        dgs=dgs_video(current_app.config),
    )


@bp.get("/media/<path:name>")
def media(name: str):
    """A file of the media folder (``MEDIA_DIR``): the DGS video and its WebVTT captions, played
    from this site because the content security policy loads media from nowhere else. Ranges
    are answered (a browser seeks in a video by asking for parts of it); a name outside the
    folder or missing is a 404. Behind a proxy, it may serve the folder itself (deployment.md)."""
    return send_from_directory(current_app.config["MEDIA_DIR"], name, conditional=True)


@bp.get("/impressum")
def imprint():
    return render_template("pages/imprint.html")


@bp.get("/datenschutz")
def privacy():
    return render_template("pages/privacy.html", facts=privacy_notice.facts(current_app.config))


@bp.get("/barrierefreiheit")
def accessibility():
    config = current_app.config
    return render_template(
        "pages/accessibility.html",
        status=config["ACCESSIBILITY_STATUS"],
        barriers=barriers.known_barriers(config),
        written_on=date.fromisoformat(config["ACCESSIBILITY_STATEMENT_DATE"]),
        reviewed_on=date.fromisoformat(config["ACCESSIBILITY_REVIEW_DATE"]),
    )


@bp.get("/leichte-sprache")
def easy_language():
    """Start Smart explained in Leichte Sprache; in English, the same page in plain English."""
    return render_template(
        "pages/easy_language.html", status=current_app.config["ACCESSIBILITY_STATUS"]
    )
