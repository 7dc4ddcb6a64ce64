"""Finding a municipality in the directory by what somebody types ("heide", "Muenster",
"Sankt Ingbert"): for the forms' combobox, for a form sent without JavaScript, and for staff.

Only verified municipalities that still exist are offered: the directory, and those staff or a
confirmation vouched for; what anonymous forms invented stays out until then. The names are
compared folded (``folding.fold``), in a column the model and the import keep
(``Municipality.search_key``), so the database compares plain strings: a scan of the whole
directory answers in a few milliseconds (benchmarks/municipality_search.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.extensions import db
from startsmart.municipalities.folding import core_key, fold
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
)

MIN_LENGTH = 2
_DISTRICTS = (MunicipalityKind.DISTRICT, MunicipalityKind.REGIONAL_ASSOCIATION)


@dataclass(frozen=True)
class Found:
    """A municipality as the search offers it."""

    id: int
    name: str
    region: str | None
    state: FederalState
    kind: MunicipalityKind
    population_class: PopulationClass | None

    @property
    def label(self) -> str:
        """ "Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein)", "Landkreis Rosenheim
        (Bayern)": enough to tell the many places of one name apart."""
        if self.kind in _DISTRICTS:
            name = f"{self.region} {self.name}" if self.region else self.name
            return _("%(name)s (%(state)s)", name=name, state=self.state.label)
        if self.region:
            return _(
                "%(name)s (%(region)s, %(state)s)",
                name=self.name,
                region=self.region,
                state=self.state.label,
            )
        return _("%(name)s (%(state)s)", name=self.name, state=self.state.label)

    def as_json(self) -> dict[str, object]:
        """What the combobox needs to show it and to fill the form's Land, kind and size."""
        size = self.population_class
        return {
            "id": self.id,
            "name": self.name,
            "label": self.label,
            "state": self.state.value,
            "state_label": self.state.label,
            "kind": self.kind.value,
            "kind_label": self.kind.label,
            "population_class": size.value if size else None,
            "population_class_label": size.label if size else None,
        }


_COLUMNS = (
    Municipality.id,
    Municipality.name,
    Municipality.region,
    Municipality.state,
    Municipality.kind,
    Municipality.population_class,
)


def _offered() -> list[sa.ColumnElement[bool]]:
    return [Municipality.verified_at.is_not(None), Municipality.dissolved_at.is_(None)]


def find(text: str, state: FederalState | None = None, limit: int = 10) -> list[Found]:
    """Up to ``limit`` municipalities whose name begins with ``text`` or has a word that does:
    the whole name first ("heide" → "Heide, Stadt" before "Heidenau"), then names that begin
    so, then the rest; within each, bigger places first."""
    typed = fold(text)
    if len(typed) < MIN_LENGTH:
        return []
    key = Municipality.search_key
    # ``typed`` holds only a–z, 0–9 and spaces (``fold``): nothing to escape in LIKE.
    rank = sa.case(
        (sa.or_(key == typed, key.like(f"{typed} %")), 0),
        (key.like(f"{typed}%"), 1),
        else_=2,
    )
    where = [*_offered(), sa.or_(key.like(f"{typed}%"), key.like(f"% {typed}%"))]
    if state is not None:
        where.append(Municipality.state == state)
    rows = db.session.execute(
        sa.select(*_COLUMNS)
        .where(*where)
        .order_by(rank, Municipality.population.desc().nulls_last(), Municipality.name)
        .limit(limit)
    ).all()
    return [Found(*row) for row in rows]


def same_name(name: str, state: FederalState | None = None) -> list[Found]:
    """The municipalities whose own name is what was typed: "Heide" is "Heide, Stadt"
    (what follows the comma says what kind of place it is), "Dithmarschen" and "Kreis
    Dithmarschen" the district; several where one name is many places ("Neuenkirchen").
    Bigger places first."""
    core = core_key(name)
    if not core:
        return []
    key = Municipality.search_key
    # A district's key has its kind word in front: "kreis dithmarschen" ends with the name.
    where = [*_offered(), sa.or_(key.like(f"{core}%"), key.like(f"% {core}"))]
    if state is not None:
        where.append(Municipality.state == state)
    rows = db.session.execute(
        sa.select(*_COLUMNS, key)
        .where(*where)
        .order_by(Municipality.population.desc().nulls_last(), Municipality.name)
    ).all()
    return [
        Found(*row[:-1])
        for row in rows
        if core == core_key(row.name) or (row.kind in _DISTRICTS and core == row.search_key)
    ]


def chosen(municipality_id: int) -> Found | None:
    """The municipality a form's combobox chose, if it is one the search offers."""
    row = db.session.execute(
        sa.select(*_COLUMNS).where(Municipality.id == municipality_id, *_offered())
    ).one_or_none()
    return Found(*row) if row is not None else None
