"""Staff: the materials published after a conference (PDF files and links), per session."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from startsmart import clock
from startsmart.conferences import materials, programme
from startsmart.conferences.material_forms import (
    MaterialEditForm,
    MaterialFileForm,
    MaterialLinkForm,
)
from startsmart.conferences.models import Conference, ConferenceMaterial
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.form_fields import Form, attach_error
from startsmart.forms import choices
from startsmart.i18n import berlin_time
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint(
    "conferences_materials_staff",
    __name__,
    url_prefix="/staff/regionalkonferenzen/<int:conference_id>/materialien",
)

# Room in a request for the form's other fields next to a file of the largest size allowed.
FORM_OVERHEAD_BYTES = 256 * 1024


@bp.url_value_preprocessor
def allow_uploads(endpoint: str | None, values: dict | None) -> None:
    """An upload may be larger than other requests (MAX_CONTENT_LENGTH): this runs before any
    part of the app reads the body. A file up to MATERIAL_MAX_BYTES gets through to the
    form's own message; a request beyond that and the overhead gets the 413 page."""
    if endpoint == f"{bp.name}.add_file":
        limit = current_app.config["MATERIAL_MAX_BYTES"] + FORM_OVERHEAD_BYTES
        request.max_content_length = max(limit, current_app.config["MAX_CONTENT_LENGTH"] or 0)


def _conference_or_404(conference_id: int) -> Conference:
    return db.session.get(Conference, conference_id) or abort(404)


def _material_or_404(conference: Conference, material_id: int) -> ConferenceMaterial:
    material = db.session.get(ConferenceMaterial, material_id)
    if material is None or material.conference_id != conference.id:
        abort(404)
    return material


def _with_sessions(conference: Conference, *forms) -> None:
    options: list[tuple[int | str, str]] = [("", _("– gesamte Konferenz –"))]
    for item in programme.sessions_of(conference.id):
        options.append((item.id, f"{berlin_time(item.starts_at)} – {item.title}"))
    for form in forms:
        form.session.choices = choices(options)


def _page(
    conference: Conference,
    file_form: MaterialFileForm | None = None,
    link_form: MaterialLinkForm | None = None,
):
    """The list and both forms; the form just sent keeps its input and errors."""
    file_form = file_form or MaterialFileForm(prefix="file", formdata=None)
    link_form = link_form or MaterialLinkForm(prefix="link", formdata=None)
    _with_sessions(conference, file_form, link_form)
    return render_template(
        "conferences_materials_staff/index.html",
        conference=conference,
        groups=materials.documentation(conference.id),
        file_form=file_form,
        link_form=link_form,
        max_size=materials.size_text(current_app.config["MATERIAL_MAX_BYTES"]),
        size_text=materials.size_text,
        link_host=materials.link_host,
    )


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index(conference_id: int):
    return _page(_conference_or_404(conference_id))


@bp.post("/datei")
@staff_required(Role.EVENT_TEAM)
def add_file(conference_id: int):
    conference = _conference_or_404(conference_id)
    form = MaterialFileForm(prefix="file")
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read() if isinstance(upload, FileStorage) else b""
        name = upload.filename if isinstance(upload, FileStorage) else None
        try:
            added = materials.add_file(
                conference.id,
                form.session.data,
                form.title.data,
                name,
                data,
                current_user,
                clock.now(),
                title_en=form.title_en.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("„%(title)s“ ist veröffentlicht.", title=added.title), "success")
            return redirect(url_for(".index", conference_id=conference.id))
    return _page(conference, file_form=form)


@bp.post("/link")
@staff_required(Role.EVENT_TEAM)
def add_link(conference_id: int):
    conference = _conference_or_404(conference_id)
    form = MaterialLinkForm(prefix="link")
    if form.validate_on_submit():
        try:
            added = materials.add_link(
                conference.id,
                form.session.data,
                form.title.data,
                form.url.data,
                current_user,
                clock.now(),
                title_en=form.title_en.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("„%(title)s“ ist veröffentlicht.", title=added.title), "success")
            return redirect(url_for(".index", conference_id=conference.id))
    return _page(conference, link_form=form)


@bp.route("/<int:material_id>/bearbeiten", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def edit(conference_id: int, material_id: int):
    conference = _conference_or_404(conference_id)
    material = _material_or_404(conference, material_id)
    if request.method == "GET":
        form = MaterialEditForm(
            data={
                "session": material.session_id,
                "title": material.title,
                "title_en": material.title_en,
                "position": material.position,
            }
        )
    else:
        form = MaterialEditForm()
    _with_sessions(conference, form)
    if form.validate_on_submit():
        try:
            materials.change_material(
                material.id,
                form.session.data,
                form.title.data,
                form.position.data or 0,
                current_user,
                clock.now(),
                title_en=form.title_en.data,
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(_("Die Änderungen sind gespeichert."), "success")
            return redirect(url_for(".index", conference_id=conference.id))
    return render_template(
        "conferences_materials_staff/edit.html",
        form=form,
        conference=conference,
        material=material,
    )


@bp.route("/<int:material_id>/loeschen", methods=["GET", "POST"])
@staff_required(Role.EVENT_TEAM)
def delete(conference_id: int, material_id: int):
    """Asks first (GET), deletes on the answer (POST)."""
    conference = _conference_or_404(conference_id)
    material = _material_or_404(conference, material_id)
    form = Form()
    if form.validate_on_submit():
        materials.delete_material(material.id, current_user, clock.now())
        flash(_("„%(title)s“ ist gelöscht.", title=material.title), "success")
        return redirect(url_for(".index", conference_id=conference.id))
    return render_template(
        "conferences_materials_staff/delete.html",
        form=form,
        conference=conference,
        material=material,
    )
