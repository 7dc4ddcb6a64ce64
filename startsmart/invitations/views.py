"""Staff: the outbox, with failures, the SMTP server's answers and "send again"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations import outbox
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.staff.access import staff_required
from startsmart.staff.models import Role

bp = Blueprint("invitations_staff", __name__, url_prefix="/staff/postausgang")

PAGE_SIZE = 100


@bp.get("/")
@staff_required(Role.EVENT_TEAM)
def index():
    status = request.args.get("status", "")
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    messages = db.session.execute(query).scalars().all()
    counts = dict(
        db.session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return render_template(
        "invitations_staff/index.html",
        messages=messages,
        counts=counts,
        status=status,
        statuses=list(OutboxStatus),
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
