"""Finding or recording the municipality and the person behind a registration or booking."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Person,
    PopulationClass,
    name_key,
)


@dataclass(frozen=True)
class MunicipalityInput:
    """What a person typed about their municipality: a known name, or a new one with details."""

    name: str
    state: FederalState | None
    kind: MunicipalityKind | None = None
    population_class: PopulationClass | None = None


# Built once (with parameters), like the statements in registrations.seats: every
# registration and booking runs them, and building them costs more than running them.
# Core statements of the table's columns: on a registration, the ORM's execution path (and
# loading ORM objects) cost more CPU than the statements themselves (see docs/performance.md).
_municipalities = Municipality.__table__
# The first municipality of that name in that Land. A scalar subquery, so that a registration
# can ask it in the statement that locks its date (see registrations.seats).
KNOWN_MUNICIPALITY_ID = (
    sa.select(_municipalities.c.id)
    .where(
        _municipalities.c.name_key == sa.bindparam("municipality_key"),
        _municipalities.c.state == sa.bindparam("municipality_state"),
    )
    .order_by(_municipalities.c.id)
    .limit(1)
    .scalar_subquery()
)
_KNOWN_MUNICIPALITY = sa.select(KNOWN_MUNICIPALITY_ID)
_FILL_POPULATION_CLASS = (
    sa.update(_municipalities)
    .where(
        _municipalities.c.id == sa.bindparam("municipality_id"),
        _municipalities.c.population_class.is_(None),
    )
    .values(population_class=sa.bindparam("population_class"))
)


@dataclass(frozen=True)
class MunicipalityName:
    """The name of a municipality as typed, checked, with what it is looked up by."""

    name: str
    state: FederalState

    def lookup(self) -> dict[str, object]:
        """The parameters of ``KNOWN_MUNICIPALITY_ID``."""
        return {"municipality_key": name_key(self.name), "municipality_state": self.state}


def checked_name(given: MunicipalityInput) -> MunicipalityName:
    """The name with its spacing folded, and its Land; a clear message if either is missing."""
    name = " ".join(given.name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie Ihre Kommune an."), "municipality")
    if len(name) > 200:
        raise DomainError(_("Der Name der Kommune ist zu lang."), "municipality")
    if given.state is None:
        raise DomainError(_("Bitte wählen Sie das Bundesland Ihrer Kommune."), "state")
    return MunicipalityName(name, given.state)


@dataclass(frozen=True)
class PersonRow:
    """The person as stored by ``write_person``: what a registration and its mails need."""

    id: int
    name: str
    email: str


@functools.cache
def person_upsert(dialect_name: str, returning: bool) -> sa.Insert:
    """INSERT … ON CONFLICT (email) DO UPDATE [… RETURNING id], PostgreSQL or SQLite."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = Person.__table__
    insert = dialect.insert(table).values(
        name=sa.bindparam("name"),
        email=sa.bindparam("email"),
        function=sa.bindparam("function"),
        municipality_id=sa.bindparam("municipality_id"),
        locale=sa.bindparam("locale"),
        created_at=sa.bindparam("created_at"),
    )
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.email],
        set_={
            "name": insert.excluded.name,
            "function": insert.excluded.function,
            "locale": insert.excluded.locale,
            # No municipality given: keep the one we know.
            "municipality_id": sa.func.coalesce(
                insert.excluded.municipality_id, table.c.municipality_id
            ),
        },
    )
    statement: sa.Insert = upsert.returning(table.c.id) if returning else upsert
    return statement


def resolve_municipality(given: MunicipalityInput) -> int:
    """The id of the known municipality of that name in that Land, or of a new one (kind
    required then)."""
    name = checked_name(given)
    known_id = db.session.execute(_KNOWN_MUNICIPALITY, name.lookup()).scalar()
    return adopt_municipality(given, name, known_id)


def adopt_municipality(
    given: MunicipalityInput, name: MunicipalityName, known_id: int | None
) -> int:
    """``resolve_municipality`` once ``KNOWN_MUNICIPALITY_ID`` has been asked: the known one
    (its population class filled in if we had none), or a new one."""
    if known_id is not None:
        if given.population_class is not None:
            db.session.execute(
                _FILL_POPULATION_CLASS,
                {"municipality_id": known_id, "population_class": given.population_class},
            )
        return known_id
    if given.kind is None:
        raise DomainError(
            _(
                "Diese Kommune kennen wir noch nicht. Bitte wählen Sie, welche Art von Kommune "
                "sie ist."
            ),
            "municipality_kind",
        )
    municipality = Municipality(
        name=name.name, kind=given.kind, state=name.state, population_class=given.population_class
    )
    db.session.add(municipality)
    db.session.flush()
    return municipality.id


def person_values(
    *,
    name: str,
    email: str,
    function: str | None,
    municipality_id: int | None,
    locale: str,
    now: datetime,
) -> dict[str, Any]:
    """The parameters of ``person_upsert``: the address normalised, name and function on one
    line with single spaces. DomainError if the address is unusable or the name empty."""
    try:
        address = normalise_email(email)
    except InvalidEmail as error:
        raise DomainError(str(error), "email") from error
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), "name")
    return {
        "name": name,
        "email": address,
        "function": " ".join((function or "").split()) or None,
        "municipality_id": municipality_id,
        "locale": locale,
        "created_at": now,
    }


def write_person(values: dict[str, Any]) -> int:
    """The person with this e-mail address (``values``: from ``person_values``), created if
    new, with the latest name, function and language (and municipality, if one is given);
    returns their id.

    One statement, INSERT … ON CONFLICT (email) DO UPDATE … RETURNING (PostgreSQL, and SQLite
    since 3.35): two first registrations with the same address may arrive at once (two dates,
    two tabs), and both find the one row instead of one failing.
    """
    dialect = db.session.get_bind().dialect
    upsert = person_upsert(dialect.name, dialect.insert_returning)
    if dialect.insert_returning:
        person_id: int = db.session.execute(upsert, values).scalar_one()
        return person_id
    db.session.execute(upsert, values)  # SQLite before 3.35: a second statement finds the row
    return db.session.execute(
        sa.select(Person.id).where(Person.email == values["email"])
    ).scalar_one()
