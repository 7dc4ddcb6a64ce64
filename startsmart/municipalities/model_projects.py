"""``flask municipalities import-mpsc``: the funded Modellprojekte Smart Cities (MPSC) with
their members, recorded from the programme's list.

The list names places as the announcements did ("Lübeck", "Landkreis Hof", "Kirchheim b.
München"), without a Land or a key: a name is matched against the directory's names with their
suffix (", Stadt", ", M") and punctuation left out — a Landkreis among the districts,
everything else among the municipalities. A name that fits several (one city preferred) or
none is kept on the project for staff, never guessed.

A second run changes nothing, and what staff decided stays: a member staff removed is not
added again, one staff added is not taken away (the import only ever adds members).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.municipalities import project_members
from startsmart.municipalities.models import (
    ModelProject,
    ModelProjectMember,
    Municipality,
    MunicipalityKind,
)

SHIPPED_LIST = Path(__file__).parent / "data" / "modellprojekte-smart-cities.csv"
_DISTRICT_PREFIX = re.compile(r"^(landkreis|kreis|region)\s+", re.IGNORECASE)
_DISTRICT_KINDS = (MunicipalityKind.DISTRICT, MunicipalityKind.REGIONAL_ASSOCIATION)
_CITY_KINDS = (MunicipalityKind.CITY, MunicipalityKind.INDEPENDENT_CITY)


@dataclass
class MpscReport:
    projects: int = 0
    new_projects: int = 0
    matched: int = 0
    new_members: int = 0
    newly_marked: int = 0
    unmarked: int = 0
    unmatched: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ListedProject:
    """One line of the programme's list."""

    name: str
    round: int
    year: int | None
    kind: str
    # (place, is a district): a cooperation's members where the list names them, else the
    # project's own name.
    places: tuple[tuple[str, bool], ...]


def place_key(name: str) -> str:
    """ "Lübeck, Hansestadt" and "Lübeck", "Kirchheim b.München" and "Kirchheim b. München"
    alike: the part before the comma, case-folded, without spaces and punctuation."""
    return "".join(ch for ch in name.split(",")[0].casefold() if ch.isalnum())


def read_projects(path: Path) -> list[ListedProject]:
    projects = []
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            name = row["name"].strip()
            members = [m.strip() for m in row["members"].split(";") if m.strip()]
            district = row["kind"].strip() == "Landkreis"
            year = row.get("year", "").strip()
            projects.append(
                ListedProject(
                    name=name,
                    round=int(row["staffel"]),
                    year=int(year) if year.isdigit() else None,
                    kind=row["kind"].strip(),
                    places=tuple((p, district and not members) for p in members or [name]),
                )
            )
    return projects


def places_of(path: Path) -> list[tuple[str, str, bool]]:
    """(project, place, is a district) for every place the list names."""
    return [(p.name, place, district) for p in read_projects(path) for place, district in p.places]


class _Directory:
    """The directory's rows by the key a listed place is matched with."""

    def __init__(self) -> None:
        rows = db.session.execute(
            sa.select(
                Municipality.id, Municipality.name, Municipality.kind, Municipality.ags
            ).where(Municipality.ars.is_not(None), Municipality.dissolved_at.is_(None))
        ).all()
        self.districts: dict[str, list[tuple[int, MunicipalityKind]]] = defaultdict(list)
        self.towns: dict[str, list[tuple[int, MunicipalityKind]]] = defaultdict(list)
        for row in rows:
            if row.kind in _DISTRICT_KINDS:
                self.districts[place_key(_DISTRICT_PREFIX.sub("", row.name))].append(
                    (row.id, row.kind)
                )
            elif row.ags is not None:
                # A bilingual name ("Cottbus/Chóśebuz, Stadt") is also found by its first part.
                for key in {place_key(row.name), place_key(row.name.split("/")[0])}:
                    self.towns[key].append((row.id, row.kind))

    def candidates(self, place: str, is_district: bool) -> list[int]:
        if is_district:
            return [i for i, _kind in self.districts[place_key(_DISTRICT_PREFIX.sub("", place))]]
        found = self.towns[place_key(place)]
        cities = [c for c in found if c[1] in _CITY_KINDS]
        if len(found) > 1 and len(cities) == 1:
            found = cities
        return [i for i, _kind in found]


def import_model_projects(path: Path, now: datetime) -> MpscReport:
    """Record every project of the list with the members it names; one transaction."""
    directory = _Directory()
    known = {p.name: p for p in db.session.execute(sa.select(ModelProject)).scalars()}
    report = MpscReport()
    listed_projects = read_projects(path)
    for listed in listed_projects:
        project = known.get(listed.name)
        if project is None:
            project = ModelProject(name=listed.name, unresolved="")
            db.session.add(project)
            known[listed.name] = project
            report.new_projects += 1
        project.round, project.year, project.kind = listed.round, listed.year, listed.kind
        found: list[int] = []
        unresolved: list[str] = []
        for place, is_district in listed.places:
            candidates = directory.candidates(place, is_district)
            if len(candidates) == 1:
                found.append(candidates[0])
                report.matched += 1
            else:
                why = "not in the directory" if not candidates else f"{len(candidates)} candidates"
                unresolved.append(place)
                report.unmatched.append(f"{listed.name}: {place} ({why})")
        project.unresolved = "\n".join(unresolved)
        # A row staff removed (removed_at) is there too, so the place is not added again.
        there = {m.municipality_id for m in project.memberships}
        for municipality_id in dict.fromkeys(found):
            if municipality_id not in there:
                project.memberships.append(
                    ModelProjectMember(municipality_id=municipality_id, created_at=now)
                )
                report.new_members += 1
    report.projects = len({listed.name for listed in listed_projects})
    db.session.flush()
    report.newly_marked, report.unmarked = project_members.keep_flags()
    db.session.commit()
    return report
