"""Offerings, topics and dated sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model, db
from startsmart.invitations import uids


class OfferingFormat(LabelledEnum):
    ONLINE_INTRO = "online_intro", _l("Online-Einführung")
    THEMATIC_INPUT = "thematic_input", _l("Themen-Input")
    INITIAL_CONSULTATION = "initial_consultation", _l("Initialberatung")
    MODERATED_EXCHANGE = "moderated_exchange", _l("Moderierter Austausch")
    # Internal: the registration for a regional conference (one offering and one date per
    # conference, kept in step by conferences.service); never listed in the catalogue.
    CONFERENCE = "conference", _l("Regionalkonferenz")


class EventDateStatus(LabelledEnum):
    DRAFT = "draft", _l("Entwurf")  # visible to staff only
    PUBLISHED = "published", _l("veröffentlicht")
    CANCELLED = "cancelled", _l("abgesagt")


offering_topic = sa.Table(
    "offering_topic",
    db.metadata,
    sa.Column("offering_id", sa.ForeignKey("offering.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Topic(Model):
    """A subject of the offerings, e.g. "Monitoring und Evaluation"; to filter and recommend."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120), default="")  # empty: the German name
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)

    offerings: Mapped[list[Offering]] = relationship(
        secondary=offering_topic, back_populates="topics"
    )

    def __repr__(self) -> str:
        return f"<Topic {self.slug}>"


class Offering(Model):
    """One Start Smart offering in one of the four formats; its dates are ``EventDate`` rows."""

    __tablename__ = "offering"

    id: Mapped[int] = mapped_column(primary_key=True)
    format: Mapped[OfferingFormat] = mapped_column(enum_column(OfferingFormat, "format"))
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)  # stable part of public URLs
    summary: Mapped[str] = mapped_column(sa.String(500))  # one or two sentences for lists
    description: Mapped[str] = mapped_column(sa.Text)  # plain text, paragraphs split by blank lines
    # The English texts, each optional: where empty, English pages show the German one.
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    summary_en: Mapped[str] = mapped_column(sa.String(500), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    default_capacity: Mapped[int] = mapped_column(default=30)
    default_duration_minutes: Mapped[int] = mapped_column(default=90)
    # At most this many people of one municipality per date (a date may override it).
    per_municipality_limit: Mapped[int] = mapped_column(default=2)
    # Days after a date until its participants' data is anonymised (None: the configured default).
    retention_days: Mapped[int | None] = mapped_column()
    # The video-conference link of its online dates that have none of their own.
    default_join_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Retired offerings keep their dates and history but take no new dates.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    topics: Mapped[list[Topic]] = relationship(
        secondary=offering_topic, back_populates="offerings", order_by="Topic.name"
    )
    dates: Mapped[list[EventDate]] = relationship(
        back_populates="offering", order_by="EventDate.starts_at"
    )

    __table_args__ = (
        sa.CheckConstraint("default_capacity >= 0", name="default_capacity_not_negative"),
        sa.CheckConstraint("default_duration_minutes > 0", name="default_duration_positive"),
        sa.CheckConstraint("per_municipality_limit > 0", name="municipality_limit_positive"),
    )

    def __repr__(self) -> str:
        return f"<Offering {self.slug}>"


class EventDate(Model):
    """A dated session of an offering (Termin), online or at a venue, with limited seats."""

    __tablename__ = "event_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(sa.ForeignKey("offering.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The video-conference link; None for an online date uses the offering's default_join_url.
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    venue: Mapped[str | None] = mapped_column(sa.String(300))  # address when on site
    capacity: Mapped[int] = mapped_column()
    per_municipality_limit: Mapped[int | None] = mapped_column()  # None: the offering's limit
    # A short note for this date only ("Bitte halten Sie eine Kamera bereit."), shown in the
    # catalogue, on the registration page and in the mails; empty: none. The English one is
    # optional (empty: English readers get the German note).
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    note_en: Mapped[str] = mapped_column(sa.String(500), default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the deadline
    status: Mapped[EventDateStatus] = mapped_column(
        enum_column(EventDateStatus, "status"), default=EventDateStatus.PUBLISHED
    )
    # The calendar UID of the date in the public feed and downloads (invitations.uids).
    ical_uid: Mapped[str] = uids.column(uids.new_event_date_uid)
    # iCalendar SEQUENCE: raised with every change of time, place or status.
    ical_sequence: Mapped[int] = mapped_column(default=0)
    conference_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="SET NULL"), index=True
    )  # set when the date takes place at a regional conference
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    offering: Mapped[Offering] = relationship(back_populates="dates")

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
    )

    @property
    def is_online(self) -> bool:
        # Without a venue a date is online; its link may be the offering's (or still to come).
        return self.venue is None

    @property
    def join_link(self) -> str | None:
        """The link participants join with: the date's own, else (online) the offering's."""
        if self.online_url:
            return self.online_url
        return self.offering.default_join_url if self.venue is None else None

    @property
    def municipality_limit(self) -> int:
        return self.per_municipality_limit or self.offering.per_municipality_limit

    def __repr__(self) -> str:
        return f"<EventDate {self.id} {self.starts_at:%Y-%m-%d %H:%M}Z>"
