"""Public pages of the regional conferences: the upcoming ones, and one conference with its
registration and the initial consultations bookable on site."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file

from startsmart import clock
from startsmart.conferences import materials, programme, service
from startsmart.conferences.models import ConferenceMaterial
from startsmart.consultations import onsite
from startsmart.consultations.models import Channel
from startsmart.extensions import db
from startsmart.registrations import service as registrations
from startsmart.registrations.queries import seats_by_date

bp = Blueprint("conferences", __name__, url_prefix="/regionalkonferenzen")


@bp.get("/")
def index():
    conferences = service.upcoming(clock.now())
    return render_template(
        "conferences/index.html",
        conferences=conferences,
        with_programme=programme.with_programme([c.id for c in conferences]),
    )


@bp.get("/<slug>")
def detail(slug: str):
    now = clock.now()
    conference = service.by_slug(slug) or abort(404)
    over = conference.ends_at <= now
    date = service.conference_date(conference.id)
    closed = registrations.closed_reason_for(date, now) if date else None
    return render_template(
        "conferences/detail.html",
        conference=conference,
        has_programme=bool(programme.with_programme([conference.id])),
        has_documentation=materials.has_materials(conference.id),
        over=over,
        slots=[] if over else onsite.conference_slots(conference, now),
        on_site=Channel.ON_SITE.value,
        date=date,
        seats=seats_by_date([date])[date.id] if date else None,
        closed_message=registrations.closed_message(closed) if closed else None,
    )


@bp.get("/<slug>/programm")
def programme_page(slug: str):
    """The programme, grouped by time slot: sessions at the same time side by side."""
    conference = service.by_slug(slug) or abort(404)
    first, last = programme.conference_days(conference)
    return render_template(
        "conferences/programme.html",
        conference=conference,
        slots=programme.time_slots(programme.sessions_of(conference.id)),
        several_days=first != last,
    )


@bp.get("/<slug>/dokumentation")
def documentation(slug: str):
    """The results afterwards: files and links per session, those of the whole day first."""
    conference = service.by_slug(slug) or abort(404)
    return render_template(
        "conferences/documentation.html",
        conference=conference,
        groups=materials.documentation(conference.id),
        size_text=materials.size_text,
        link_host=materials.link_host,
        over=conference.ends_at <= clock.now(),
    )


# A downloaded material is shown by no page of ours: it may not run anything (sandbox, no
# sources), and the browser must take it for what we say it is.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


@bp.get("/<slug>/dokumentation/<int:material_id>/datei")
def material_file(slug: str, material_id: int):
    conference = service.by_slug(slug) or abort(404)
    material = db.session.get(ConferenceMaterial, material_id)
    if material is None or material.conference_id != conference.id or not material.stored_name:
        abort(404)
    try:
        # Streamed in blocks from the folder; a file removed meanwhile is a 404, not a 500.
        stored, size = materials.stored_file(material)
    except FileNotFoundError:
        abort(404)
    response = send_file(
        stored,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=material.file_name or "dokument.pdf",
        conditional=False,  # below, once the length is known: send_file takes it from a path
        etag=material.stored_name,  # a stored file never changes: a new one has a new name
        last_modified=material.created_at,
        max_age=0,
    )
    response.content_length = size
    response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
