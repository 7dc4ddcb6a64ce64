"""``flask municipalities import-mpsc``: mark the funded Modellprojekte Smart Cities (MPSC) and
the members of their cooperations in the directory.

The programme's list names places as the announcements did ("Lübeck", "Landkreis Hof",
"Kirchheim b. München"), without a Land or a key: a name is matched against the directory's
names with their suffix (", Stadt", ", M") and punctuation left out — a Landkreis among the
districts, everything else among the municipalities. A name that fits several (one city
preferred) or none is listed for staff, never guessed. Marking only ever adds: a second run
changes nothing, and a mark staff set stays.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from startsmart.database import rowcount
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, MunicipalityKind

SHIPPED_LIST = Path(__file__).parent / "data" / "modellprojekte-smart-cities.csv"
_DISTRICT_PREFIX = re.compile(r"^(landkreis|kreis|region)\s+", re.IGNORECASE)
_DISTRICT_KINDS = (MunicipalityKind.DISTRICT, MunicipalityKind.REGIONAL_ASSOCIATION)
_CITY_KINDS = (MunicipalityKind.CITY, MunicipalityKind.INDEPENDENT_CITY)


@dataclass
class MpscReport:
    projects: int = 0
    matched: int = 0
    newly_marked: int = 0
    unmatched: list[str] = field(default_factory=list)


def place_key(name: str) -> str:
    """ "Lübeck, Hansestadt" and "Lübeck", "Kirchheim b.München" and "Kirchheim b. München"
    alike: the part before the comma, case-folded, without spaces and punctuation."""
    return "".join(ch for ch in name.split(",")[0].casefold() if ch.isalnum())


def places_of(path: Path) -> list[tuple[str, str, bool]]:
    """(project, place, is a district) for every place the list names: a cooperation's
    members where it names them, else the project's own name."""
    places = []
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            members = [m.strip() for m in row["members"].split(";") if m.strip()]
            district = row["kind"].strip() == "Landkreis"
            for place in members or [row["name"].strip()]:
                places.append((row["name"].strip(), place, district and not members))
    return places


def import_model_projects(path: Path) -> MpscReport:
    rows = db.session.execute(
        sa.select(Municipality.id, Municipality.name, Municipality.kind, Municipality.ags).where(
            Municipality.ars.is_not(None), Municipality.dissolved_at.is_(None)
        )
    ).all()
    districts: dict[str, list[tuple[int, MunicipalityKind]]] = defaultdict(list)
    towns: dict[str, list[tuple[int, MunicipalityKind]]] = defaultdict(list)
    for row in rows:
        if row.kind in _DISTRICT_KINDS:
            districts[place_key(_DISTRICT_PREFIX.sub("", row.name))].append((row.id, row.kind))
        elif row.ags is not None:
            # A bilingual name ("Cottbus/Chóśebuz, Stadt") is also found by its first part.
            for key in {place_key(row.name), place_key(row.name.split("/")[0])}:
                towns[key].append((row.id, row.kind))
    report = MpscReport()
    found: set[int] = set()
    projects: set[str] = set()
    for project, place, is_district in places_of(path):
        projects.add(project)
        if is_district:
            candidates = districts[place_key(_DISTRICT_PREFIX.sub("", place))]
        else:
            candidates = towns[place_key(place)]
            cities = [c for c in candidates if c[1] in _CITY_KINDS]
            if len(candidates) > 1 and len(cities) == 1:
                candidates = cities
        if len(candidates) == 1:
            found.add(candidates[0][0])
            report.matched += 1
        else:
            why = "not in the directory" if not candidates else f"{len(candidates)} candidates"
            report.unmatched.append(f"{project}: {place} ({why})")
    report.projects = len(projects)
    if found:
        result = db.session.execute(
            sa.update(Municipality)
            .where(Municipality.id.in_(found), Municipality.is_model_project.is_(False))
            .values(is_model_project=True)
        )
        report.newly_marked = rowcount(result)
    db.session.commit()
    return report
