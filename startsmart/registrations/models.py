"""A person's registration for a date, and the optional consents they gave with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model
from startsmart.inbox.models import CalendarAnswer
from startsmart.invitations import uids
from startsmart.municipalities.models import Municipality, Person
from startsmart.staff.models import StaffUser


class RegistrationStatus(LabelledEnum):
    PENDING = "pending", _l("unbestätigt")  # seat held until hold_expires_at (double opt-in)
    CONFIRMED = "confirmed", _l("bestätigt")  # seat taken, invitation sent
    WAITLISTED = "waitlisted", _l("Warteliste")  # no seat yet; promoted in order of queued_at
    CANCELLED = "cancelled", _l("storniert")
    EXPIRED = "expired", _l("verfallen")  # not confirmed in time


ACTIVE = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
HOLDING_A_SEAT = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED)


class Attendance(LabelledEnum):
    ATTENDED = "attended", _l("teilgenommen")
    NO_SHOW = "no_show", _l("nicht erschienen")


class Registration(Model):
    """One person on one date. At most one active registration per person and date."""

    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_date_id: Mapped[int] = mapped_column(sa.ForeignKey("event_date.id"), index=True)
    # None once anonymised: the registration still counts, but names nobody.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    # The municipality the person registered for (people change jobs; the count must not).
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "status"))
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    question: Mapped[str | None] = mapped_column(sa.Text)  # moderated exchange: asked in advance
    # Regional conference: wants to take part in the speed-dating (listed at the check-in).
    speed_dating: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    added_by_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Order on the waiting list: first queued, first promoted.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # while pending
    # What the public form typed about the person (name, function, locale, municipality_id):
    # applied to the stored person only when the mailbox owner confirms, so that nobody can
    # change somebody else's data by typing their address (see municipalities.service).
    pending_person: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The client address of a public form, as a keyed hash, until the address is confirmed:
    # how many unconfirmed requests one client may have at once (startsmart.unconfirmed).
    hold_client: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The invitation's calendar UID, chosen at random once (invitations.uids); rows from before
    # it was stored keep the UID their invitation went out with.
    ical_uid: Mapped[str] = uids.column(uids.new_registration_uid)
    # iCalendar SEQUENCE of this person's invitation (one UID for the registration's life).
    ical_sequence: Mapped[int] = mapped_column(default=0)
    invitation_sent: Mapped[bool] = mapped_column(default=False)  # a CANCEL is owed on cancel
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance, "attendance"))
    # The person's answer from their calendar (iTIP REPLY, read by ``inbox``) and its DTSTAMP
    answer: Mapped[CalendarAnswer | None] = mapped_column(enum_column(CalendarAnswer, "answer"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which privacy notice the person was shown, and when they acknowledged it.
    privacy_notice_version: Mapped[str] = mapped_column(sa.String(20))
    privacy_acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retention or request

    event_date: Mapped[EventDate] = relationship()
    person: Mapped[Person | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    __table_args__ = (
        # The last line of defence against duplicates: one active registration per person
        # and date, whatever the application does (a partial unique index on both databases).
        sa.Index(
            "uq_registration_active_person",
            "event_date_id",
            "person_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('pending', 'confirmed', 'waitlisted')"),
        ),
        sa.Index("ix_registration_date_status", "event_date_id", "status"),
        sa.CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
    )

    @property
    def holds_seat(self) -> bool:
        return self.status in HOLDING_A_SEAT

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class ConsentKind(LabelledEnum):
    NEWS = "news", _l("Informationen über neue Start-Smart-Termine per E-Mail")
    CONTACT_EXCHANGE = "contact_exchange", _l("Kontaktdaten mit Gesprächspartnern teilen")
    PHOTOS = "photos", _l("Fotos, auf denen ich zu sehen bin, dürfen veröffentlicht werden")


class Consent(Model):
    """An optional consent, kept apart from the registration so it can be revoked alone."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "kind"))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where it was given (e.g. "registration:42"), to answer "where did I agree to this?".
    source: Mapped[str] = mapped_column(sa.String(64))

    person: Mapped[Person] = relationship()


class StaffMessage(Model):
    """A message staff sent to the people registered for a date (one mail each, via the outbox)."""

    __tablename__ = "staff_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_date_id: Mapped[int] = mapped_column(sa.ForeignKey("event_date.id"), index=True)
    # Who sent it; kept if the account is ever deleted (accounts are usually only deactivated).
    sent_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    recipients: Mapped[int] = mapped_column()  # how many mails were queued
    # The registration statuses it went to, comma-separated values, e.g. "confirmed,pending".
    statuses: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    event_date: Mapped[EventDate] = relationship()
    sent_by: Mapped[StaffUser | None] = relationship()

    __table_args__ = (sa.CheckConstraint("recipients >= 0", name="recipients_not_negative"),)

    @property
    def status_labels(self) -> list[str]:
        return [RegistrationStatus(value).label for value in self.statuses.split(",") if value]
