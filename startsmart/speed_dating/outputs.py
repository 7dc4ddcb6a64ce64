"""What the plan looks like on paper: a card per person, a sheet per table, a CSV file.

Read-only. Names and municipalities come from the check-in; e-mail addresses never appear.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from flask_babel import gettext as _
from markupsafe import Markup

from startsmart.links import public_url
from startsmart.registrations.export import Cell
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.speed_dating.planner import HOST_ID, Plan
from startsmart.speed_dating.planning import (
    members,
    participant_ids,
    plan_from_json,
    plan_version,
)
from startsmart.speed_dating.service import display_code


def phone_url(code: str) -> str:
    """The phone view of one participant; the code is the secret."""
    return public_url("speed_dating.phone", code=code)


def qr_svg(url: str) -> Markup:
    """The link as a QR code, inline SVG (no image request, nothing external)."""
    return Markup(
        segno.make(url, error="m").svg_inline(scale=3, border=2, svgclass="qr", lineclass=None)
    )


@dataclass(frozen=True)
class Seat:
    """Where one person is in one round."""

    round: int
    table: int | None  # None: sitting out
    partners: tuple[SpeedDatingParticipant, ...]
    with_host: bool  # a staff host sits at the table too

    @property
    def sitting_out(self) -> bool:
        return self.table is None


def schedules(plan: Plan, people: dict[int, SpeedDatingParticipant]) -> dict[int, list[Seat]]:
    """Per participant id: their seat in each round they were planned for, in round order."""
    seats: dict[int, list[Seat]] = {}
    for rnd in plan.rounds:
        for table in rnd.tables:
            humans = participant_ids(table.members)
            host = HOST_ID in table.members
            for member in humans:
                partners = tuple(people[m] for m in humans if m != member and m in people)
                seats.setdefault(member, []).append(Seat(rnd.number, table.number, partners, host))
        for member in participant_ids(rnd.sitting_out):
            seats.setdefault(member, []).append(Seat(rnd.number, None, (), False))
    return seats


def changed_people(before: Plan, after: Plan, people: list[SpeedDatingParticipant]) -> set[int]:
    """Whose printed card of ``before`` is out of date under ``after``: a seat, partner or
    pause differs in some round, or the person is new to the plan."""
    by_id = {p.id: p for p in people}
    old, new = schedules(before, by_id), schedules(after, by_id)
    return {pid for pid, seats in new.items() if old.get(pid) != seats}


@dataclass(frozen=True)
class Reprint:
    """The plan version the cards are printed from, and (after a re-plan) whose cards changed
    since the version before; None for a first plan."""

    version: int
    changed: set[int] | None


def reprint(
    session_id: int, version: int, plan: Plan, people: list[SpeedDatingParticipant]
) -> Reprint:
    before = plan_version(session_id, version - 1) if version > 1 else None
    changed = None if before is None else changed_people(plan_from_json(before.plan), plan, people)
    return Reprint(version, changed)


@dataclass(frozen=True)
class Card:
    person: SpeedDatingParticipant
    seats: list[Seat | None]  # one per round; None: not there in that round
    code: str
    url: str
    qr: Markup


def cards(plan: Plan, people: list[SpeedDatingParticipant]) -> list[Card]:
    """A card for everybody in the plan, by name; none for a forgotten person (nobody is
    there to hand it to, and their code opens nothing any more)."""
    by_id = {p.id: p for p in people}
    planned = schedules(plan, by_id)
    result = []
    for person in sorted(
        (by_id[i] for i in members(plan) if i in by_id and not by_id[i].forgotten),
        key=lambda p: p.name.casefold(),
    ):
        rounds = {seat.round: seat for seat in planned.get(person.id, [])}
        url = phone_url(person.code)
        result.append(
            Card(
                person=person,
                seats=[rounds.get(r.number) for r in plan.rounds],
                code=display_code(person.code),
                url=url,
                qr=qr_svg(url),
            )
        )
    return result


@dataclass(frozen=True)
class TableSheet:
    number: int
    rounds: list[tuple[int, list[SpeedDatingParticipant], bool]]  # round, people, with host


def table_sheets(plan: Plan, people: list[SpeedDatingParticipant]) -> list[TableSheet]:
    """Per table: who sits there in each round (empty where the table is not used)."""
    by_id = {p.id: p for p in people}
    numbers = sorted({t.number for r in plan.rounds for t in r.tables})
    sheets = []
    for number in numbers:
        rows = []
        for rnd in plan.rounds:
            table = next((t for t in rnd.tables if t.number == number), None)
            members_ = [by_id[m] for m in table.members if m in by_id] if table else []
            host = bool(table and HOST_ID in table.members)
            rows.append((rnd.number, members_, host))
        sheets.append(TableSheet(number, rows))
    return sheets


def csv_table(plan: Plan, people: list[SpeedDatingParticipant]) -> tuple[list[str], list]:
    """One line per person and round: for Excel, sorted by round, table and name."""
    by_id = {p.id: p for p in people}
    header = [
        _("Runde"),
        _("Tisch"),
        _("Name"),
        _("Kommune"),
        _("Modellprojekt (MPSC)"),
        _("Gesprächspartner/innen"),
    ]
    lines: list[tuple[tuple, list[Cell]]] = []
    for person_id, seats in schedules(plan, by_id).items():
        person = by_id.get(person_id)
        if person is None:
            continue
        for seat in seats:
            partners = [f"{p.shown_name} ({p.municipality_name})" for p in seat.partners]
            if seat.with_host:
                partners.append(_("Team (Moderation)"))
            table: Cell = seat.table if seat.table is not None else _("Pause")
            line: list[Cell] = [
                seat.round,
                table,
                person.shown_name,
                person.municipality_name,
                person.is_model_project,
                ", ".join(partners),
            ]
            order = (seat.round, seat.table is None, seat.table or 0, person.shown_name.casefold())
            lines.append((order, line))
    lines.sort(key=lambda item: item[0])
    return header, [line for _order, line in lines]
