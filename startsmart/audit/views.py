"""Admins read the audit log, filtered by action, person and period."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import Blueprint, render_template, request

from startsmart.audit import service
from startsmart.clock import berlin_to_utc
from startsmart.staff import service as staff_service
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("audit", __name__, url_prefix="/staff/protokoll")


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/")
@staff_required(Role.ADMIN)
def index():
    action = request.args.get("aktion", "")
    actor = request.args.get("person", "")
    first, last = _day("von"), _day("bis")
    chosen = service.AuditFilter(
        action=action if action in service.ACTIONS or action.endswith(".") else None,
        actor_id=int(actor) if actor.isdigit() else None,
        since=berlin_to_utc(first, time(0)) if first else None,
        until=berlin_to_utc(last + timedelta(days=1), time(0)) if last else None,
    )
    page = request.args.get("seite", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    events, total = service.events(chosen, page)
    return render_template(
        "audit/index.html",
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
