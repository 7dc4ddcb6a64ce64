"""Loading the official directory into the municipality table (``flask municipalities import``).

One row per municipality, district and Gemeindeverband, found again by its regional key (ARS)
or, for rows created before (demo, staff), by its AGS. Everything is written in one
transaction with bulk statements: the whole extract (about 12,500 entries) in seconds, and a
second run with the same file writes nothing. Entries missing from a newer extract are
marked ``dissolved_at``, never deleted: registrations and people still point to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.municipalities.gemeindeverzeichnis import Entry, read_extract
from startsmart.municipalities.gv100ad import NOT_IN_GV100AD, is_gv100ad, read_gv100ad
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
    name_key,
    search_key,
)

_FIELDS = (
    "ars",
    "ags",
    "name",
    "kind",
    "state",
    "population",
    "area_km2",
    "postcode",
    "latitude",
    "longitude",
    "urbanisation",
    "region",
)


@dataclass(frozen=True)
class ImportReport:
    new: int
    updated: int
    unchanged: int
    gone: int
    # Columns the file's format does not carry: kept as the database holds them.
    kept: frozenset[str] = frozenset()


def import_directory(path: Path, now: datetime) -> ImportReport:
    """Bring the municipality table in line with the extract at ``path``, the CSV extract or
    GV100AD, told apart by the first line (BadExtract if a row is bad; then nothing is
    written)."""
    if is_gv100ad(path):
        wanted, kept = read_gv100ad(path), NOT_IN_GV100AD
    else:
        wanted, kept = read_extract(path), frozenset()
    table = Municipality.__table__
    try:
        connection = db.session.connection()
        existing = (
            connection.execute(
                sa.select(
                    table.c.id,
                    table.c.population_class,
                    table.c.verified_at,
                    table.c.dissolved_at,
                    table.c.search_key,
                    *(table.c[field] for field in _FIELDS),
                )
            )
            .mappings()
            .all()
        )
        by_ars = {row["ars"]: row for row in existing if row["ars"]}
        by_ags = {row["ags"]: row for row in existing if row["ags"]}
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        matched: set[int] = set()
        for entry in wanted:
            row = by_ars.get(entry.ars) or (by_ags.get(entry.ags) if entry.ags else None)
            values = _values(entry, kept)
            if row is None or row["id"] in matched:
                inserts.append(
                    {
                        "population_class": _size(entry.population_class),
                        **values,
                        "is_model_project": False,
                        "created_at": now,
                        "verified_at": now,
                    }
                )
                continue
            matched.add(row["id"])
            if _changed(row, values):
                updates.append(
                    {**values, "_id": row["id"], "verified_at": row["verified_at"] or now}
                )
        gone = [
            {"_id": row["id"]}
            for row in existing
            if row["ars"] and row["id"] not in matched and row["dissolved_at"] is None
        ]
        if inserts:
            connection.execute(sa.insert(table), inserts)
        by_id = table.c.id == sa.bindparam("_id")
        for batch in _same_keys(updates):
            keys = [key for key in batch[0] if key != "_id"]
            statement = sa.update(table).where(by_id)
            connection.execute(statement.values({k: sa.bindparam(k) for k in keys}), batch)
        if gone:
            connection.execute(sa.update(table).where(by_id).values(dissolved_at=now), gone)
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    # The session's objects may hold the old names and figures.
    db.session.expire_all()
    return ImportReport(
        new=len(inserts),
        updated=len(updates),
        unchanged=len(wanted) - len(inserts) - len(updates),
        gone=len(gone),
        kept=kept,
    )


def _values(entry: Entry, kept: frozenset[str]) -> dict[str, Any]:
    """The columns the extract decides. A district or Gemeindeverband has no population in
    the extract: its size class stays what staff or the visitor said. Columns the format
    lacks (``kept``) are left out, so a GV100AD after the CSV keeps the coordinates."""
    values = {field: getattr(entry, field) for field in _FIELDS if field not in kept}
    values["kind"] = MunicipalityKind(entry.kind)
    values["state"] = FederalState(entry.state)
    values["name_key"] = name_key(entry.name)
    values["search_key"] = search_key(entry.name, entry.region, entry.kind)
    values["dissolved_at"] = None
    if entry.population is not None:
        values["population_class"] = _size(entry.population_class)
    return values


def _size(value: str | None) -> PopulationClass | None:
    return PopulationClass(value) if value is not None else None


def _changed(row: Any, values: dict[str, Any]) -> bool:
    if row["verified_at"] is None:
        return True
    return any(row[key] != value for key, value in values.items() if key != "name_key")


def _same_keys(updates: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """An executemany needs the same parameters in every row: group by the set of keys."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for update in updates:
        groups.setdefault(frozenset(update), []).append(update)
    return list(groups.values())
