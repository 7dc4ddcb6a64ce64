"""Staff: the reach report (/staff/bericht), the lists behind its figures, its tables as CSV
and XLSX.

For the event team and admins. Advisors are refused: the report and its lists lead into the
registrations of every date, which advisors do not open either (their consultations have
their own pages)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from startsmart import clock
from startsmart.catalog.models import OfferingFormat
from startsmart.municipalities.gemeindeverzeichnis import ATTRIBUTION
from startsmart.municipalities.models import FederalState
from startsmart.reports import charts, exports, reach_map, service
from startsmart.reports.figures import percent
from startsmart.reports.staff_forms import ReportFilterForm
from startsmart.staff.access import may_open, staff_required
from startsmart.staff.models import Role

bp = Blueprint("reports_staff", __name__, url_prefix="/staff/bericht")

LICENCE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters() -> tuple[ReportFilterForm, service.Filters | None]:
    """The form as sent, and the filters if it is valid. An empty field is the first or last
    day of the other day's year (both empty: the current year)."""
    form = ReportFilterForm(formdata=request.args)
    if not form.validate():
        return form, None
    year = (form.bis.data or form.von.data or clock.berlin_today(clock.now())).year
    first = form.von.data or date(year, 1, 1)
    last = form.bis.data or date(first.year, 12, 31)
    fmt = OfferingFormat(form.format.data) if form.format.data else None
    state = FederalState(form.land.data) if form.land.data else None
    return form, service.Filters(first, last, fmt, state)


def _locale() -> str:
    return str(get_locale() or "de")


def _describe(filters: service.Filters) -> str:
    parts = [
        _(
            "Zeitraum %(first)s bis %(last)s",
            first=filters.first.strftime("%d.%m.%Y"),
            last=filters.last.strftime("%d.%m.%Y"),
        ),
        str(filters.fmt.label) if filters.fmt else _("alle Formate"),
        str(filters.state.label) if filters.state else _("alle Länder"),
    ]
    return ", ".join(parts)


def _attribution() -> str:
    return _(
        "Gemeinden und ihre Klassen: %(source)s, %(licence)s", source=ATTRIBUTION, licence=LICENCE
    )


@bp.app_template_filter("rating")
def rating(value: float | None) -> str:
    """A mean rating as the page's language writes it (4,3 or 4.3); "–" for none."""
    return "–" if value is None else format_decimal(value, format="0.0")


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    form, filters = _filters()
    report = service.report(filters, clock.now()) if filters else None
    return render_template(
        "reports_staff/report.html",
        form=form,
        report=report,
        charts=charts.for_report(report, _locale()) if report else {},
        reach_map=reach_map.draw(report) if report else "",
        described=_describe(filters) if filters else "",
        percent=lambda value: percent(value, _locale()),
        may_open=may_open,
    ), (200 if filters else 422)


@bp.get("/<any(kommunen, anmeldungen, beratungen):kind>")
@staff_required(Role.EVENT_TEAM)
def listing(kind: str):
    form, filters = _filters()
    key = request.args.get("auswahl", "")
    if filters is None or len(key) > 40:
        abort(404)
    if kind == "kommunen":
        listed = service.municipalities(filters, key)
    elif kind == "anmeldungen":
        listed = service.registrations(filters, key)
    else:
        listed = service.consultations(filters, key, clock.now())
    if listed is None:
        abort(404)
    report = service.report(filters, clock.now())
    row = _row_of(report, kind, key)
    return render_template(
        f"reports_staff/{kind}.html",
        listed=listed,
        filters=filters,
        row=row,
        described=_describe(filters),
        limit=service.LIST_LIMIT,
        may_open=may_open,
    )


def _row_of(report: service.Report, kind: str, key: str):
    list_kind = {"kommunen": "municipalities", "anmeldungen": "registrations"}.get(
        kind, "consultations"
    )
    for table in report.tables():
        if table.list_kind != list_kind:
            continue
        for row in table.rows:
            if row.key == key:
                return table, row
    return None


@bp.get("/<name>.<any(csv, xlsx):ext>")
@staff_required(Role.EVENT_TEAM)
def export(name: str, ext: str):
    form, filters = _filters()
    if filters is None:
        abort(404)
    report = service.report(filters, clock.now())
    table = report.table(name)
    if table is None:
        abort(404)
    footer = [table.title, _describe(filters), _attribution()]
    maker = exports.as_csv if ext == "csv" else exports.as_xlsx
    data = maker(table, footer, _locale())
    response = Response(data, mimetype=MIME[ext].split(";")[0])
    response.headers["Content-Type"] = MIME[ext]
    filename = f"bericht-{name}-{filters.first.isoformat()}-{filters.last.isoformat()}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
