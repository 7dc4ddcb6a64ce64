"""Advisors' consultation hours and the initial consultations booked into them."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart import clock
from startsmart.catalog.models import EventDate, Topic
from startsmart.conferences.models import Conference
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model, db
from startsmart.inbox.models import CalendarAnswer
from startsmart.invitations import uids
from startsmart.municipalities.models import Municipality, Person
from startsmart.staff.models import StaffUser


class Channel(LabelledEnum):
    VIDEO = "video", _l("Videokonferenz")
    PHONE = "phone", _l("Telefon")
    ON_SITE = "on_site", _l("vor Ort")


def channels_column() -> sa.String:
    return sa.String(40)  # comma-separated Channel values, e.g. "video,phone"


class WeeklyHours(Model):
    """A recurring consultation window of an advisor, in Berlin wall-clock time."""

    __tablename__ = "weekly_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column()  # 0 = Monday
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    channels: Mapped[str] = mapped_column(channels_column(), default="video,phone")

    advisor: Mapped[StaffUser] = relationship()

    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_start"),
    )


class AdvisorAbsence(Model):
    """Whole days an advisor is away (Berlin dates, both included)."""

    __tablename__ = "advisor_absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = (sa.CheckConstraint("last_day >= first_day", name="last_not_before_first"),)


class ExtraHours(Model):
    """A one-off window, e.g. on site at a regional conference."""

    __tablename__ = "extra_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channels: Mapped[str] = mapped_column(channels_column(), default="on_site")
    conference_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="SET NULL"), index=True
    )
    label: Mapped[str] = mapped_column(sa.String(200), default="")

    advisor: Mapped[StaffUser] = relationship()
    conference: Mapped[Conference | None] = relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class ConsultationStatus(LabelledEnum):
    PENDING = "pending", _l("unbestätigt")  # slot held until hold_expires_at (double opt-in)
    CONFIRMED = "confirmed", _l("bestätigt")
    CANCELLED = "cancelled", _l("storniert")
    EXPIRED = "expired", _l("verfallen")


BLOCKING = (ConsultationStatus.PENDING, ConsultationStatus.CONFIRMED)

consultation_topic = sa.Table(
    "consultation_topic",
    db.metadata,
    sa.Column(
        "consultation_id", sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("topic_id", sa.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)

# The next steps an advisor recommends after the consultation: upcoming dates to register for.
consultation_recommendation = sa.Table(
    "consultation_recommendation",
    db.metadata,
    sa.Column(
        "consultation_id", sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "event_date_id", sa.ForeignKey("event_date.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Consultation(Model):
    """An initial consultation: one municipality, one advisor, one hour."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_user.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    status: Mapped[ConsultationStatus] = mapped_column(enum_column(ConsultationStatus, "status"))
    conference_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="SET NULL"), index=True
    )  # booked on site at a regional conference
    situation: Mapped[str] = mapped_column(sa.Text, default="")  # "Ausgangslage"
    goals: Mapped[str] = mapped_column(sa.Text, default="")  # goals and questions
    phone: Mapped[str | None] = mapped_column(sa.String(40))  # for phone consultations
    # Video: the link of this consultation; None uses the advisor's room_url (or still missing).
    join_url: Mapped[str | None] = mapped_column(sa.String(500))
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    booked_by_staff: Mapped[bool] = mapped_column(default=False)
    # Staff booked despite the one-per-year rule or the model-project rule.
    eligibility_overridden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    hold_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the public form typed about the person, applied on confirmation (see Registration).
    pending_person: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    hold_client: Mapped[str | None] = mapped_column(sa.String(32), index=True)  # see Registration
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The calendar UID of both invitations, chosen at random once (invitations.uids).
    ical_uid: Mapped[str] = uids.column(uids.new_consultation_uid)
    # One UID for the consultation's life; SEQUENCE rises with each change both parties see.
    ical_sequence: Mapped[int] = mapped_column(default=0)
    invitation_sent: Mapped[bool] = mapped_column(default=False)
    reminder_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # internal, never mailed
    # The municipality's answer from its calendar (iTIP REPLY, read by ``inbox``); a decline is
    # only shown to staff, who call and decide: it never cancels by itself.
    answer: Mapped[CalendarAnswer | None] = mapped_column(enum_column(CalendarAnswer, "answer"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(sa.String(20))
    privacy_acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # retention or request

    advisor: Mapped[StaffUser] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    person: Mapped[Person | None] = relationship()
    conference: Mapped[Conference | None] = relationship()
    topics: Mapped[list[Topic]] = relationship(secondary=consultation_topic)
    recommendations: Mapped[list[EventDate]] = relationship(
        secondary=consultation_recommendation, order_by=EventDate.starts_at
    )

    __table_args__ = (
        # Last line of defence: one advisor, one start (the booking also locks the advisor row
        # and re-checks buffers and the day limit).
        sa.Index(
            "uq_consultation_advisor_start",
            "advisor_id",
            "starts_at",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'confirmed')"),
            postgresql_where=sa.text("status IN ('pending', 'confirmed')"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
    )

    @property
    def join_link(self) -> str | None:
        """Video only: the consultation's own link, else the advisor's personal room."""
        if self.channel is not Channel.VIDEO:
            return None
        return self.join_url or self.advisor.room_url

    @property
    def is_active(self) -> bool:
        return self.status in BLOCKING

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.status}>"
