"""Admins read the audit log, filtered by action, person and period."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import Blueprint, render_template, request

from startsmart.audit import service
from startsmart.clock import berlin_to_utc
from startsmart.input_guard import database_int, query_day
from startsmart.staff import service as staff_service
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("audit_staff", __name__, url_prefix="/staff/protokoll")


# Beyond this the offset would not fit the database's integer; nobody pages that far.
MAX_PAGE = 100_000


def _number(text: str) -> int | None:
    try:
        return database_int(text)
    except ValueError:
        return None


def _day(name: str) -> date | None:
    return query_day(request.args.get(name))


@bp.get("/")
@staff_required(Role.ADMIN)
def index():
    action = request.args.get("aktion", "")
    actor = request.args.get("person", "")
    first, last = _day("von"), _day("bis")
    chosen = service.AuditFilter(
        action=action if action in service.ACTIONS or action.endswith(".") else None,
        actor_id=_number(actor),
        since=berlin_to_utc(first, time(0)) if first else None,
        until=berlin_to_utc(last + timedelta(days=1), time(0)) if last else None,
    )
    page = min(max(_number(request.args.get("seite", "1")) or 1, 1), MAX_PAGE)
    events, total = service.events(chosen, page)
    return render_template(
        "audit_staff/index.html",
        events=events,
        total=total,
        page=page,
        pages=max(1, -(-total // service.PAGE_SIZE)),
        actions=service.ACTIONS,
        staff=staff_service.staff_list(),
        chosen=chosen,
        first=first,
        last=last,
        action=action,
        actor=actor,
    )
