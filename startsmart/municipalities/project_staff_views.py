"""Staff: the Modellprojekte Smart Cities and their members, as the import recorded them, for
the event team to correct (a member taken out stays out on the next import)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities import directory_search, project_members
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("municipalities_projects_staff", __name__, url_prefix="/staff/modellprojekte")

MAX_QUERY = 100


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    return render_template(
        "municipalities_projects_staff/index.html", lines=project_members.overview()
    )


@bp.get("/<int:project_id>")
@staff_required(Role.EVENT_TEAM)
def detail(project_id: int):
    shown = project_members.project_page(project_id) or abort(404)
    query = request.args.get("q", "")
    message = None
    found = None
    if "q" in request.args:
        if len(query) > MAX_QUERY:
            message = _("Der Suchtext ist zu lang: höchstens %(max)d Zeichen.", max=MAX_QUERY)
        elif len(query.strip()) < directory_search.MIN_LENGTH:
            message = _(
                "Bitte geben Sie mindestens %(min)d Zeichen ein.", min=directory_search.MIN_LENGTH
            )
        else:
            found = directory_search.find(query.strip())
    return render_template(
        "municipalities_projects_staff/detail.html",
        page=shown,
        query=query[:MAX_QUERY],
        message=message,
        found=found,
        members={m.municipality_id for m in shown.members},
    )


@bp.post("/<int:project_id>/mitglieder/<int:municipality_id>/hinzufuegen")
@staff_required(Role.EVENT_TEAM)
def add_member(project_id: int, municipality_id: int):
    try:
        municipality = project_members.add_member(
            project_id, municipality_id, current_user, clock.now()
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _("„%(name)s“ gehört jetzt zu diesem Modellprojekt.", name=municipality.name),
            "success",
        )
    return redirect(url_for(".detail", project_id=project_id, _anchor="mitglieder"))


@bp.post("/<int:project_id>/mitglieder/<int:municipality_id>/entfernen")
@staff_required(Role.EVENT_TEAM)
def remove_member(project_id: int, municipality_id: int):
    municipality = project_members.remove_member(
        project_id, municipality_id, current_user, clock.now()
    )
    if municipality is None:
        flash(_("Diese Kommune gehört nicht (mehr) zu diesem Modellprojekt."), "error")
    elif municipality.is_model_project:
        flash(
            _(
                "„%(name)s“ ist aus diesem Modellprojekt entfernt; sie gehört noch zu einem "
                "anderen und gilt weiter als Modellprojekt.",
                name=municipality.name,
            ),
            "success",
        )
    else:
        flash(
            _(
                "„%(name)s“ ist entfernt und gilt nicht mehr als Modellprojekt: Sie kann jetzt "
                "eine Initialberatung buchen.",
                name=municipality.name,
            ),
            "success",
        )
    return redirect(url_for(".detail", project_id=project_id, _anchor="mitglieder"))
