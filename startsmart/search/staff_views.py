"""Staff: the search from the header of every staff page (GET, works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from startsmart.search import service
from startsmart.search.fold import MIN_LENGTH, long_enough
from startsmart.staff.access import may_open, staff_required

bp = Blueprint("search_staff", __name__, url_prefix="/staff/suche")

MAX_LENGTH = 200
MAX_SHOWN = f"{MAX_LENGTH:,}".replace(",", ".")  # German thousands, as the form fields say it


@bp.get("/")
@staff_required()
def results():
    query = request.args.get("q", "")
    group_name = request.args.get("gruppe", "")
    group = next((g for g in service.Group if g.value == group_name), None)
    number = request.args.get("seite", 1, type=int) or 1
    message = None
    found = None
    if len(query) > MAX_LENGTH:
        message = _("Der Suchtext ist zu lang: höchstens %(max)s Zeichen.", max=MAX_SHOWN)
    elif not long_enough(query):
        message = _(
            "Bitte geben Sie mindestens %(min)d Zeichen ein: einen Namen, eine E-Mail-Adresse "
            "oder eine Kommune.",
            min=MIN_LENGTH,
        )
    else:
        visible = service.Visibility(
            registrations=may_open("registrations_staff.date_page"),
            consultations=may_open("consultations_staff.detail"),
        )
        found = service.search(query, visible, group, number)
    return render_template(
        "search_staff/results.html",
        query=query,
        staff_search_query=query[:MAX_LENGTH],
        group=group,
        found=found,
        message=message,
        asked="q" in request.args,
    )
