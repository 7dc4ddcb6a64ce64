"""What staff choose from when one municipality row is to become another: rows labelled so
that two places of one name can be told apart (name, Kreis, Land, population), the rows whose
name is closest to a given one, and a search among the rows of one Land."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.municipalities.folding import core_key, fold
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
)

# Pure functions of a name, kept per process: the few thousand names of a Land are folded
# again on every visit of the merge page.
_core_key = functools.lru_cache(maxsize=40_000)(core_key)
_fold = functools.lru_cache(maxsize=40_000)(fold)

# A district's regional key is the first five digits of its municipalities' keys.
DISTRICT_KEY_LENGTH = 5


@dataclass(frozen=True)
class Candidate:
    """One row to choose, with what tells it apart from others of the same name."""

    id: int
    name: str
    kind: MunicipalityKind
    state: FederalState
    # The Kreis the directory puts it in (none for a kreisfreie Stadt); for a district, what
    # kind of district it is ("Landkreis").
    district: str | None
    population: int | None
    in_directory: bool  # an entry of the official directory (``ars`` set)
    verified: bool


_COLUMNS = (
    Municipality.id,
    Municipality.name,
    Municipality.kind,
    Municipality.state,
    Municipality.ars,
    Municipality.population,
    Municipality.verified_at,
    Municipality.region,
)


def described(ids: Iterable[int]) -> dict[int, Candidate]:
    """The rows ``ids`` as candidates, by id (two queries: the rows, then their districts)."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = list(db.session.execute(sa.select(*_COLUMNS).where(Municipality.id.in_(wanted))))
    return {row.id: candidate for row, candidate in zip(rows, _labelled(rows), strict=True)}


def _labelled(rows: list[Any]) -> list[Candidate]:
    # The import names each entry's district ("Kreis Dithmarschen"); an entry imported before
    # it did is placed by its key.
    district_keys = {
        row.ars[:DISTRICT_KEY_LENGTH]
        for row in rows
        if row.region is None and row.ars is not None and len(row.ars) > DISTRICT_KEY_LENGTH
    }
    districts: dict[str | None, str] = {}
    if district_keys:
        for ars, name in db.session.execute(
            sa.select(Municipality.ars, Municipality.name).where(
                Municipality.ars.in_(district_keys)
            )
        ):
            districts[ars] = name
    return [
        Candidate(
            id=row.id,
            name=row.name,
            kind=row.kind,
            state=row.state,
            district=row.region
            or (districts.get(row.ars[:DISTRICT_KEY_LENGTH]) if row.ars else None),
            population=row.population,
            in_directory=row.ars is not None,
            verified=row.verified_at is not None,
        )
        for row in rows
    ]


def _in_land(municipality: Municipality) -> tuple[sa.ColumnElement[bool], ...]:
    """The rows ``municipality`` may be merged into: verified, current, of its Land."""
    return (
        Municipality.state == municipality.state,
        Municipality.verified_at.is_not(None),
        Municipality.dissolved_at.is_(None),
        Municipality.id != municipality.id,
    )


def _same_land(municipality: Municipality) -> list[Any]:
    return list(db.session.execute(sa.select(*_COLUMNS).where(*_in_land(municipality))).all())


def any_in_land(municipality: Municipality) -> bool:
    """Whether ``municipality`` could be merged into anything at all."""
    found = db.session.execute(
        sa.select(Municipality.id).where(*_in_land(municipality)).limit(1)
    ).first()
    return found is not None


def closest(municipality: Municipality, limit: int = 8) -> list[Candidate]:
    """The rows of the same Land spelt most like ``municipality`` (the same place name first,
    then similar ones; umlauts, case and suffixes such as ", Stadt" forgiven), for staff to
    pick from; larger places first among equals."""
    rows = _same_land(municipality)
    key = _core_key(municipality.name)
    by_key: dict[str, list[Any]] = {}
    for row in rows:
        by_key.setdefault(_core_key(row.name), []).append(row)
    keys = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    chosen = [row for k in keys for row in _bigger_first(by_key[k])][:limit]
    return _labelled(chosen)


def search(municipality: Municipality, text: str, limit: int = 20) -> list[Candidate]:
    """Rows of the same Land whose name contains ``text`` (folded), those starting with it
    first, then larger places first."""
    wanted = fold(text)
    if len(wanted) < 2:
        return []
    found = [row for row in _same_land(municipality) if wanted in _fold(row.name)]
    found.sort(key=lambda row: (not _fold(row.name).startswith(wanted), -(row.population or 0)))
    return _labelled(found[:limit])


def _bigger_first(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda row: (-(row.population or 0), row.name, row.id))
