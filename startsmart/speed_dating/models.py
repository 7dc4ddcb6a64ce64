"""A conference's speed-dating: the session (settings and run state), who is at the check-in,
and every version of the rotation plan.

The tables are those the conferences package created (``speed_dating_session``,
``speed_dating_participant``, ``speed_dating_plan``); moving the classes changed no column.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart import clock
from startsmart.conferences.models import Conference
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model
from startsmart.municipalities.models import FederalState
from startsmart.staff.models import StaffUser


class RunStatus(LabelledEnum):
    NOT_STARTED = "not_started", _l("noch nicht begonnen")
    RUNNING = "running", _l("läuft")
    PAUSED = "paused", _l("pausiert")
    FINISHED = "finished", _l("beendet")


class SpeedDatingSession(Model):
    """The speed-dating of one conference: settings, questions, and the state of the run.

    The run state is what ``round_clock`` needs to tell the round, the phase and the seconds
    left at any moment: rounds follow each other by the clock, so nothing has to be written
    while the session simply runs.
    """

    __tablename__ = "speed_dating_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference.id", ondelete="CASCADE"), unique=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # planned start
    total_minutes: Mapped[int] = mapped_column(default=45)
    round_minutes: Mapped[int] = mapped_column(default=3)
    changeover_minutes: Mapped[int] = mapped_column(default=1)
    table_size: Mapped[int] = mapped_column(default=2)  # seats per table: 2, 3 or 4
    tables_available: Mapped[int | None] = mapped_column()  # None: as many as needed
    # A staff host sits with whoever would otherwise wait alone (the odd one out).
    host_fills_gap: Mapped[bool] = mapped_column(default=False)
    # Two people of one municipality never share a table; one of them waits instead.
    colleagues_apart: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    question_1: Mapped[str] = mapped_column(sa.String(300))
    question_2: Mapped[str] = mapped_column(sa.String(300))
    question_3: Mapped[str] = mapped_column(sa.String(300))
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "status"), default=RunStatus.NOT_STARTED
    )
    # The round that began at round_started_at (running) or is held (paused); later rounds
    # follow by the clock. 0 before the start; when finished: the last round played.
    current_round: Mapped[int] = mapped_column(default=0)
    round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Paused: seconds left of the held round's talking time plus changeover.
    paused_remaining_seconds: Mapped[int | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contacts_exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised with every change a presenter screen or phone must show (plan, run, settings,
    # names): clients poll with the version they have and get a short answer if it is current.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    conference: Mapped[Conference] = relationship()

    __table_args__ = (
        sa.CheckConstraint("total_minutes > 0", name="total_positive"),
        sa.CheckConstraint("round_minutes > 0", name="round_positive"),
        sa.CheckConstraint("changeover_minutes >= 0", name="changeover_not_negative"),
        sa.CheckConstraint("table_size BETWEEN 2 AND 4", name="table_size_2_to_4"),
        sa.CheckConstraint(
            "tables_available IS NULL OR tables_available > 0", name="tables_positive"
        ),
        sa.CheckConstraint("current_round >= 0", name="round_not_negative"),
        sa.CheckConstraint("version > 0", name="version_positive"),
    )

    @property
    def questions(self) -> list[str]:
        return [self.question_1, self.question_2, self.question_3]

    def touch(self, now: datetime) -> None:
        """Something clients show has changed."""
        self.version += 1
        self.updated_at = now

    def __repr__(self) -> str:
        return f"<SpeedDatingSession {self.id} {self.status}>"


class SpeedDatingParticipant(Model):
    """Somebody at the check-in: a registrant of the conference, or a walk-in."""

    __tablename__ = "speed_dating_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speed_dating_session.id", ondelete="CASCADE"), index=True
    )
    # None for a walk-in (who gave no e-mail address, so takes no part in the contact exchange).
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    # The known municipality, if any; the name (and Land of a new one) as given at check-in.
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipality.id", ondelete="SET NULL")
    )
    municipality_name: Mapped[str] = mapped_column(sa.String(200))
    municipality_state: Mapped[FederalState | None] = mapped_column(
        enum_column(FederalState, "municipality_state")
    )
    is_model_project: Mapped[bool] = mapped_column(default=False)  # MPSC (funded)
    present: Mapped[bool] = mapped_column(default=False)  # the plan uses only those present
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first marked present
    departed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # marked gone after that
    # The personal code: the secret of the phone view /sd/<code>, printed on the card.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    __table_args__ = (sa.UniqueConstraint("session_id", "registration_id"),)

    @property
    def walk_in(self) -> bool:
        return self.registration_id is None

    @property
    def forgotten(self) -> bool:
        """Their data was deleted on request or after retention: the seat stays (the plan keeps
        its shape for everyone else), the name is gone."""
        return self.name == ""

    @property
    def shown_name(self) -> str:
        """The name on every page, card, sheet and phone: a forgotten person is shown as such."""
        return str(_l("Gelöschte Person")) if self.forgotten else self.name

    @property
    def municipality_key(self) -> str:
        """Who counts as one municipality for the planner: the known one, else name and Land."""
        if self.municipality_id is not None:
            return f"id:{self.municipality_id}"
        state = self.municipality_state.value if self.municipality_state else ""
        return f"name:{' '.join(self.municipality_name.split()).casefold()}|{state}"

    def __repr__(self) -> str:
        return f"<SpeedDatingParticipant {self.id}>"


class SpeedDatingPlan(Model):
    """One version of the rotation plan. Every plan and re-plan is a new row; the newest is
    the plan in force, and rounds before ``from_round`` are those of the version before."""

    __tablename__ = "speed_dating_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speed_dating_session.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()  # 1, 2, ... per session
    from_round: Mapped[int] = mapped_column()  # 1 for a new plan; k for a re-plan from round k
    seed: Mapped[int] = mapped_column()  # the planner's seed: the same input gives this plan
    # The planner's Plan as JSON (planning.plan_to_json): settings, rounds, tables.
    plan: Mapped[dict] = mapped_column(sa.JSON)
    report: Mapped[dict] = mapped_column(sa.JSON)  # the quality figures when it was made
    participants: Mapped[int] = mapped_column()  # how many were present
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    created_by: Mapped[StaffUser | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("session_id", "version"),
        sa.CheckConstraint("from_round > 0", name="from_round_positive"),
    )

    def __repr__(self) -> str:
        return f"<SpeedDatingPlan {self.session_id} v{self.version}>"
