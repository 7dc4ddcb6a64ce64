"""``flask municipalities match``: one record per Kommune. Municipalities people typed before
the directory existed (or since), rows without a regional key, are compared with the
directory entries of their Land by the place's own name (``folding.core_key``: typed "Heide"
is "Heide, Stadt", "Cottbus" is "Cottbus/Chóśebuz, Stadt"). Exactly one entry fits: the typed
row is merged into it (``merging.absorb``, audit-logged), so limits and eligibility count per
directory entry, that is per AGS. Several fit (five "Neuenkirchen" in Niedersachsen): listed
for staff, who pick one or keep the row as a Kommune of its own (``kept_at``). None fits:
left alone. A second run changes nothing.

A typed row is compared first with the entries of its own sort (a Landkreis with the
districts, an Amt with the Gemeindeverbände, anything else with the municipalities), so the
city "Gifhorn, Stadt" and the district "Gifhorn" are not two candidates for a typed city;
only where its sort has none, with the others (a Kreis typed as a town is still found).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities import merging
from startsmart.municipalities.candidates import Candidate, described
from startsmart.municipalities.folding import core_key
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.municipalities.service import verify
from startsmart.staff.models import StaffUser

# Who the audit log names for merges of the command (there is no staff member behind them).
COMMAND = "flask municipalities match"

_DISTRICTS = "districts"
_ASSOCIATIONS = "associations"
_MUNICIPALITIES = "municipalities"
_SORTS = (_MUNICIPALITIES, _DISTRICTS, _ASSOCIATIONS)
_SORT_OF_KIND = {
    MunicipalityKind.DISTRICT: _DISTRICTS,
    MunicipalityKind.REGIONAL_ASSOCIATION: _DISTRICTS,
    MunicipalityKind.AMT: _ASSOCIATIONS,
}
# A word in front saying what sort of place it is, which people type or leave out ("Kreis
# Dithmarschen", "Amt Süderbrarup", "Stadt Heide"); left out on both sides, so "Stadt Wehlen,
# Stadt" is still itself.
_LEADING_WORDS = {
    _DISTRICTS: ("landkreis", "kreis", "lk", "region"),
    _ASSOCIATIONS: ("amt", "samtgemeinde", "verbandsgemeinde", "verwaltungsgemeinschaft", "vg"),
    _MUNICIPALITIES: ("stadt", "gemeinde", "markt", "hansestadt", "landeshauptstadt"),
}


def sort_of(kind: MunicipalityKind) -> str:
    return _SORT_OF_KIND.get(kind, _MUNICIPALITIES)


# Kept per process: a pure function of the name, and the directory's 12,000 names are
# compared again on every visit of the staff list (folding them all costs a tenth of a second).
@functools.lru_cache(maxsize=40_000)
def match_key(name: str, sort: str) -> str:
    """The name as compared among places of that sort: ``core_key`` without a leading word
    naming the sort."""
    key = core_key(name)
    for word in _LEADING_WORDS[sort]:
        if key.startswith(word + " "):
            return key[len(word) + 1 :]
    return key


_Index = dict[tuple[FederalState, str, str], list[int]]


def _directory(states: set[FederalState]) -> _Index:
    """The current directory entries of ``states`` by (Land, sort, key)."""
    index: _Index = defaultdict(list)
    if not states:
        return index
    rows = db.session.execute(
        sa.select(Municipality.id, Municipality.name, Municipality.kind, Municipality.state)
        .where(
            Municipality.ars.is_not(None),
            Municipality.dissolved_at.is_(None),
            Municipality.state.in_(states),
        )
        .order_by(Municipality.id)
    )
    for row in rows:
        sort = sort_of(row.kind)
        index[row.state, sort, match_key(row.name, sort)].append(row.id)
    return index


def _candidates(typed: Municipality, index: _Index) -> list[int]:
    own = sort_of(typed.kind)
    found = index.get((typed.state, own, match_key(typed.name, own)), [])
    if found:
        return found
    others: list[int] = []
    for sort in _SORTS:
        if sort != own:
            others += index.get((typed.state, sort, match_key(typed.name, sort)), [])
    return others


def _typed() -> sa.Select[Any]:
    """Rows people typed (no regional key), current, that staff did not keep as they are."""
    return sa.select(Municipality).where(
        Municipality.ars.is_(None),
        Municipality.dissolved_at.is_(None),
        Municipality.kept_at.is_(None),
    )


@dataclass
class MatchReport:
    merged: int = 0
    ambiguous: list[str] = field(default_factory=list)  # "Neuenkirchen (NI): 5 candidates"
    unmatched: int = 0


def match(now: datetime) -> MatchReport:
    """Merge every typed row that fits exactly one directory entry of its Land into that
    entry; count the others. One transaction."""
    typed = list(
        db.session.execute(
            _typed()
            .order_by(Municipality.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
    )
    index = _directory({row.state for row in typed})
    report = MatchReport()
    for row in typed:
        found = _candidates(row, index)
        if len(found) > 1:
            report.ambiguous.append(f"{row.name} ({row.state.value}): {len(found)} candidates")
            continue
        if not found:
            report.unmatched += 1
            continue
        entry = merging.lock(found[0])[found[0]]
        name, ags = row.name, row.ags
        merged_id = row.id
        moved = merging.absorb(row, entry)
        audit.record(
            "municipality.matched",
            None,
            now,
            subject=f"municipality:{entry.id}",
            actor_name=COMMAND,
            merged=name,
            merged_id=merged_id,
            merged_ags=ags,
            into=entry.name,
            ars=entry.ars,
            state=entry.state.value,
            registrations=moved.registrations,
            consultations=moved.consultations,
            people=moved.people,
            notes=moved.notes,
            speed_dating=moved.speed_dating,
            model_projects=moved.model_projects,
        )
        report.merged += 1
    db.session.commit()
    return report


# -- what staff decide -----------------------------------------------------------------------


@dataclass(frozen=True)
class Ambiguous:
    """A typed row whose name fits several directory entries of its Land."""

    municipality: Municipality
    candidates: list[Candidate]  # larger places first


def ambiguous() -> list[Ambiguous]:
    """The typed rows waiting for staff to say which directory entry they are, by name."""
    typed = list(db.session.execute(_typed().order_by(Municipality.name_key)).scalars())
    index = _directory({row.state for row in typed})
    found = {row.id: _candidates(row, index) for row in typed}
    found = {row_id: ids for row_id, ids in found.items() if len(ids) > 1}
    labelled = described(i for ids in found.values() for i in ids)
    return [
        Ambiguous(
            row,
            sorted(
                (labelled[i] for i in found[row.id]),
                key=lambda c: (-(c.population or 0), c.name, c.id),
            ),
        )
        for row in typed
        if row.id in found
    ]


def candidates_of(municipality_id: int) -> list[int]:
    """The directory entries a typed row fits (empty if it is no typed row, or kept)."""
    row = db.session.execute(_typed().where(Municipality.id == municipality_id)).scalar()
    if row is None:
        return []
    return _candidates(row, _directory({row.state}))


def pick(
    municipality_id: int, entry_id: int | None, actor: StaffUser, now: datetime
) -> merging.Merged:
    """Staff say which of its candidates a typed row is: merged into it (``merging.merge``)."""
    if entry_id is None or entry_id not in candidates_of(municipality_id):
        raise DomainError(_("Bitte wählen Sie einen der Einträge aus dem Verzeichnis."), "into")
    return merging.merge(municipality_id, entry_id, actor, now)


def keep(municipality_id: int, actor: StaffUser, now: datetime) -> Municipality:
    """Staff say a typed row is a Kommune of its own, none of the entries of that name: it is
    no longer listed, ``match`` leaves it alone, and it counts as checked."""
    row = merging.lock(municipality_id).get(municipality_id)
    if row is None or row.ars is not None:
        raise DomainError(_("Diese Kommune gibt es nicht mehr (schon zusammengeführt?)."))
    if row.kept_at is None:
        row.kept_at = now
        verified = verify(row.id, now)
        audit.record(
            "municipality.kept",
            actor,
            now,
            subject=f"municipality:{row.id}",
            name=row.name,
            state=row.state.value,
            verified=verified or None,
        )
    db.session.commit()
    return row
