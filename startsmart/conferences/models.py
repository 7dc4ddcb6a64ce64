"""A regional conference of the Modellprojekte Smart Cities.

A conference's registration is an ordinary ``EventDate`` (``conference_id`` set) of an internal
``Offering`` in the format ``CONFERENCE``; ``conferences.service`` keeps the two in step. Its
speed-dating session (``startsmart.speed_dating.models``) points here; a conference does not
know about it, so this package does not depend on the speed-dating one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model
from startsmart.invitations import uids


class Conference(Model):
    """A Regionalkonferenz: one day at one venue, e.g. 22 November 2022 in Flensburg."""

    __tablename__ = "conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(200), unique=True)
    city: Mapped[str] = mapped_column(sa.String(120))
    venue: Mapped[str] = mapped_column(sa.String(300))  # building and address
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(sa.Text, default="")  # the programme, plain text
    # The English texts, optional: where empty, English pages show the German one.
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # "Workshopwahl bis": until then people change their workshops through their manage link.
    # None: the evening before the conference (``choices.choice_deadline``).
    choices_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    def __repr__(self) -> str:
        return f"<Conference {self.slug}>"


class SessionKind(LabelledEnum):
    PLENARY = "plenary", _l("Plenum")
    WORKSHOP = "workshop", _l("Workshop")
    WORLD_CAFE = "world_cafe", _l("World Café")
    SPEED_DATING = "speed_dating", _l("Speed-Dating")
    ONSITE_CONSULTATIONS = "onsite_consultations", _l("Vor-Ort-Beratung")
    BREAK = "break", _l("Pause")

    @property
    def has_places(self) -> bool:
        """Only workshops and World Cafés have a limited number of places."""
        return self in (SessionKind.WORKSHOP, SessionKind.WORLD_CAFE)


class ConferenceSession(Model):
    """One item of a conference's programme, e.g. a workshop from 10:30 to 12:00 in room 2.

    Sessions at the same time run in parallel. ``speakers`` holds one speaker or moderator a
    line ("Name, Funktion"), as published on the programme."""

    __tablename__ = "conference_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind, "session_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    room: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    speakers: Mapped[str] = mapped_column(sa.Text, default="")
    capacity: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    # Orders sessions that start at the same time (parallel ones): lower first.
    position: Mapped[int] = mapped_column(sa.Integer, default=0)

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    @property
    def speaker_lines(self) -> list[str]:
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<ConferenceSession {self.id} of conference {self.conference_id}>"


class ChoiceStatus(LabelledEnum):
    SEATED = "seated", _l("Platz")
    WAITING = "waiting", _l("Warteliste")  # in the order of chosen_at


class SessionChoice(Model):
    """The session a conference registration chose in one time slot with a choice (a workshop
    or the World Café): a place in it, or a place on its waiting list.

    One choice per registration and slot is a rule of ``conferences.choices`` (a slot is the
    sessions' common start, which staff may move); one row per registration and session is
    the table's. Rows go with their registration (anonymised registrations keep theirs: ids
    and times only)."""

    __tablename__ = "session_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_session.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ChoiceStatus] = mapped_column(enum_column(ChoiceStatus, "choice_status"))
    # The place in the queue: when chosen, taken under the session's lock (unique per session
    # in lock order, see ``choices.end_of_queue``).
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    def __repr__(self) -> str:
        return f"<SessionChoice {self.registration_id} → {self.session_id} {self.status.value}>"


class MaterialKind(LabelledEnum):
    FILE = "file", _l("Datei")
    LINK = "link", _l("Link")


class ConferenceMaterial(Model):
    """A result published after the conference: a PDF file or a link, for one session of the
    programme or (``session_id`` None) for the conference as a whole.

    A file lies in the materials folder (``MATERIALS_DIR``) under ``stored_name``, a name this
    app generated; the name it was uploaded with is kept, cleaned, in ``file_name`` for the
    download. When its session is deleted from the programme, a material stays with the
    conference as a whole (SET NULL): nothing published disappears by accident."""

    __tablename__ = "conference_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference_session.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[MaterialKind] = mapped_column(enum_column(MaterialKind, "material_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    # For the English pages; empty: they show the German title, marked as German.
    title_en: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    url: Mapped[str | None] = mapped_column(sa.String(2000))  # a link's address
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # a file's
    file_name: Mapped[str | None] = mapped_column(sa.String(200))  # as uploaded, cleaned
    size_bytes: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'link' AND url IS NOT NULL AND stored_name IS NULL) OR "
            "(kind = 'file' AND url IS NULL AND stored_name IS NOT NULL "
            "AND file_name IS NOT NULL AND size_bytes IS NOT NULL)",
            name="file_or_link",
        ),
    )

    def __repr__(self) -> str:
        return f"<ConferenceMaterial {self.id} of conference {self.conference_id}>"


class ConferenceBadge(Model):
    """A conference registration whose name badge staff reissued (lost, or printed wrong).

    The badge's check-in token is an HMAC of the registration id and this generation, so
    raising the generation voids every earlier badge of the registration without touching any
    other; a registration without a row has its first badge (generation 0). Ids, a number and
    a time only; deleted with the registration."""

    __tablename__ = "conference_badge"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(sa.Integer)
    reissued_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the latest reissue

    __table_args__ = (sa.CheckConstraint("generation > 0", name="generation_positive"),)


class DocumentationMail(Model):
    """The one mail to a participant that the documentation of their conference is online.
    Unique per registration: a repeated or parallel run sends nothing twice."""

    __tablename__ = "documentation_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), unique=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionInvitationState(LabelledEnum):
    ACTIVE = "active", _l("aktiv")  # in the person's calendar (the last mail was a REQUEST)
    CANCELLED = "cancelled", _l("abgesagt")  # taken out again (the last mail was a CANCEL)


class SessionInvitation(Model):
    """The calendar entry of one session in one participant's calendar (its own UID: iTIP
    allows one UID per REQUEST message, and Outlook needs it), kept by
    ``conferences.session_calendar``.

    The snapshot (title, times, room) is what the last mail said: a move is noticed by
    comparing it with the session, and a CANCEL of a deleted session still names it. The
    session may be gone (``session_id`` NULL); the row stays for that CANCEL's SEQUENCE and is
    deleted with the registration. Only ids and the published programme: no personal data."""

    __tablename__ = "session_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference_session.id", ondelete="SET NULL"), index=True
    )
    ical_uid: Mapped[str] = uids.column(uids.new_session_invitation_uid)
    ical_sequence: Mapped[int] = mapped_column(default=0)
    state: Mapped[SessionInvitationState] = mapped_column(
        enum_column(SessionInvitationState, "state")
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room: Mapped[str] = mapped_column(sa.String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # One entry per person and session: a choice made again re-activates it (same UID).
        sa.UniqueConstraint("registration_id", "session_id"),
        sa.CheckConstraint("ical_sequence >= 0", name="sequence_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<SessionInvitation {self.id} {self.state}>"
