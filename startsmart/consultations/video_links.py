"""The video link of a consultation: its own, or the advisor's personal room; changing either
sends the confirmed consultations it applies to an update (same UID, SEQUENCE + 1).

A confirmed video consultation without any link is "Link fehlt" on the staff lists
(``missing``), and its reminder waits until it has one (``reminders.send_due``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from startsmart import join_links
from startsmart.audit import service as audit
from startsmart.consultations import mails
from startsmart.consultations.booking import lock_advisor
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.consultations.permissions import NotPermitted, check_may_act
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser


def lacks_link() -> sa.ColumnElement[bool]:
    """SQL: a video consultation with neither its own link nor the advisor's room (the caller
    joins ``StaffUser`` on the advisor)."""
    return sa.and_(
        Consultation.channel == Channel.VIDEO,
        Consultation.join_url.is_(None),
        StaffUser.room_url.is_(None),
    )


def missing(now: datetime, advisor_id: int | None = None) -> list[Consultation]:
    """Confirmed video consultations still to come that nobody has given a link yet, the
    soonest first (an advisor's own, or everybody's)."""
    query = (
        sa.select(Consultation)
        .join(StaffUser, StaffUser.id == Consultation.advisor_id)
        .options(selectinload(Consultation.municipality), selectinload(Consultation.advisor))
        .where(
            lacks_link(),
            Consultation.status == ConsultationStatus.CONFIRMED,
            Consultation.ends_at > now,
        )
        .order_by(Consultation.starts_at)
    )
    if advisor_id is not None:
        query = query.where(Consultation.advisor_id == advisor_id)
    return list(db.session.execute(query).scalars())


def set_link(
    consultation_id: int, url: str | None, actor: StaffUser, now: datetime
) -> Consultation:
    """Give a video consultation its own link (empty: the advisor's room again). A confirmed
    one whose link in effect changes sends the update to the municipality and the advisor."""
    url = join_links.checked(url, "join_url")
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise DomainError(_("Diese Beratung gibt es nicht."))
    # The advisor's lock, as a reschedule or hand-over takes it: no update crosses theirs.
    lock_advisor(consultation.advisor_id)
    db.session.refresh(consultation)
    check_may_act(actor, consultation)
    if consultation.channel is not Channel.VIDEO:
        raise DomainError(_("Nur Videoberatungen haben einen Link."), "join_url")
    if not consultation.is_active or consultation.ends_at <= now:
        raise DomainError(
            _("Diese Beratung ist vorbei oder abgesagt; der Link lässt sich nicht mehr ändern."),
            "join_url",
        )
    before = consultation.join_link
    consultation.join_url = url
    audit.record(
        "consultation.join_link",
        actor,
        now,
        subject=f"consultation:{consultation.id}",
        own=url is not None,
    )
    if consultation.join_link != before:
        _tell(consultation, now)
    db.session.commit()
    return consultation


def set_room(advisor_id: int, url: str | None, actor: StaffUser, now: datetime) -> int:
    """An advisor's personal video room, kept by the advisor or an admin. Coming confirmed
    consultations that use it get the update. Returns how many consultations were updated."""
    if not (actor.role is Role.ADMIN or actor.id == advisor_id):
        raise NotPermitted(
            _("Den Videoraum kann nur die Person selbst oder die Administration ändern.")
        )
    url = join_links.checked(url, "room_url")
    advisor = lock_advisor(advisor_id)
    if advisor is None:
        raise DomainError(_("Dieses Konto gibt es nicht."))
    if advisor.room_url == url:
        db.session.commit()
        return 0
    advisor.room_url = url
    audit.record("staff.room_url", actor, now, subject=f"staff_user:{advisor.id}")
    using = (
        db.session.execute(
            sa.select(Consultation)
            .where(
                Consultation.advisor_id == advisor.id,
                Consultation.channel == Channel.VIDEO,
                Consultation.join_url.is_(None),
                Consultation.status == ConsultationStatus.CONFIRMED,
                Consultation.ends_at > now,
            )
            .order_by(Consultation.starts_at)
        )
        .scalars()
        .all()
    )
    for consultation in using:
        _tell(consultation, now)
    db.session.commit()
    return len(using)


def _tell(consultation: Consultation, now: datetime) -> None:
    # Only a confirmed consultation's people know of it; a pending one gets the link with its
    # invitation. A first link is news as much as a new one: the same UID, SEQUENCE + 1.
    if consultation.status is ConsultationStatus.CONFIRMED and consultation.invitation_sent:
        mails.invitations(consultation, now, changed=True)
