"""The shape of a speed-dating plan: participants, tables, rounds, the plan (pure).

Its own module because both the planner (``plan``) and the quality report (``quality``) need it,
and neither may import the other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass

ParticipantId = int | str


@dataclass(frozen=True)
class Participant:
    """A checked-in person, as far as the planner cares."""

    id: ParticipantId
    municipality: str | None = None  # people of one municipality should not share a table
    model_project: bool = False  # funded model project (group A); else unfunded (group B)


@dataclass(frozen=True)
class Table:
    """One table in one round."""

    number: int  # 1..number of tables in the round; funded people keep theirs where they can
    members: tuple[ParticipantId, ...]  # participant ids; HOST_ID for the staff host


@dataclass(frozen=True)
class Round:
    """One round: its tables and who waits."""

    number: int  # 1-based
    tables: tuple[Table, ...]
    sitting_out: tuple[ParticipantId, ...]


@dataclass(frozen=True)
class Plan:
    """A speed-dating plan and the settings it was made with (a re-plan keeps them)."""

    rounds: tuple[Round, ...]
    table_size: int = 2  # seats per table: 2, 3 or 4; tables shrink (never below 2) when needed
    tables_available: int | None = None  # at most this many tables per round; None: no limit
    host_fills_gap: bool = False
    colleagues_apart: bool = False  # two people of one municipality never meet; one waits
