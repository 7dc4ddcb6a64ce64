"""Finding or recording the municipality and the person behind a registration or booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


def resolve_municipality(given: MunicipalityInput) -> Municipality:
    """The known municipality of that name in that Land, or a new one (kind required then)."""
    name = " ".join(given.name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie Ihre Kommune an."), "municipality")
    if len(name) > 200:
        raise DomainError(_("Der Name der Kommune ist zu lang."), "municipality")
    if given.state is None:
        raise DomainError(_("Bitte wählen Sie das Bundesland Ihrer Kommune."), "state")
    known = db.session.execute(
        sa.select(Municipality)
        .where(Municipality.name_key == name_key(name), Municipality.state == given.state)
        .order_by(Municipality.id)
        .limit(1)
    ).scalar_one_or_none()
    if known is not None:
        if known.population_class is None and given.population_class is not None:
            known.population_class = given.population_class
        return known
    if given.kind is None:
        raise DomainError(
            _(
                "Diese Kommune kennen wir noch nicht. Bitte wählen Sie, welche Art von Kommune "
                "sie ist."
            ),
            "municipality_kind",
        )
    municipality = Municipality(
        name=name, kind=given.kind, state=given.state, population_class=given.population_class
    )
    db.session.add(municipality)
    db.session.flush()
    return municipality


def upsert_person(
    *,
    name: str,
    email: str,
    function: str | None,
    municipality: Municipality | None,
    locale: str,
    now: datetime,
) -> Person:
    """The person with this e-mail address, created if new, with the latest name and function.

    Two first registrations with the same address may arrive at once (two dates, two tabs):
    INSERT … ON CONFLICT DO NOTHING lets both find the one row instead of one failing.
    """
    try:
        address = normalise_email(email)
    except InvalidEmail as error:
        raise DomainError(str(error), "email") from error
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie Ihren Namen an."), "name")
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(Person)
        .values(name=name, email=address, locale=locale, created_at=now)
        .on_conflict_do_nothing(index_elements=["email"])
    )
    person = db.session.execute(
        sa.select(Person).where(Person.email == address).execution_options(populate_existing=True)
    ).scalar_one()
    person.name = name
    person.function = " ".join((function or "").split()) or None
    person.locale = locale
    if municipality is not None:
        person.municipality = municipality
    return person
