"""Staff: the outbox, with failures, the SMTP server's answers and "send again"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations import outbox, outbox_pages
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("invitations_staff", __name__, url_prefix="/staff/postausgang")


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    status = request.args.get("status", "")
    query = request.args.get("q", "")[:200]
    found = outbox_pages.find(
        query,
        OutboxStatus(status) if status in {s.value for s in OutboxStatus} else None,
        request.args.get("seite", 1, type=int) or 1,
    )
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "invitations_staff/index.html",
        page=found,
        messages=found.messages,
        counts=counts,
        status=status,
        query=query,
        statuses=list(OutboxStatus),
    )


@bp.get("/<int:message_id>")
@staff_required(Role.EVENT_TEAM)
def message(message_id: int):
    found = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template(
        "invitations_staff/message.html",
        message=found,
        shown=outbox_pages.taken_apart(found),
        attempts=outbox_pages.attempts(found),
    )


@bp.post("/<int:message_id>/erneut-senden")
@staff_required(Role.EVENT_TEAM)
def send_again(message_id: int):
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    try:
        outbox.send_again(message, current_user, clock.now())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Nachricht an %(to)s wird erneut gesendet.", to=message.recipient), "success")
    return redirect(url_for("invitations_staff.index", status=request.args.get("status", "")))
