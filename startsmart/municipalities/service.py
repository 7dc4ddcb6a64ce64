"""Finding or recording the municipality and the person behind a registration or booking."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from startsmart.database import rowcount
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities import directory_search
from startsmart.municipalities.folding import core_key
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Person,
    PopulationClass,
    name_key,
    search_key,
)


@dataclass(frozen=True)
class MunicipalityInput:
    """What a person typed about their municipality: a known name, or a new one with details.

    ``chosen_id``: the directory entry picked in the combobox (or, without JavaScript, among
    the entries of the same name); ``none_listed``: the person said that none of those offered
    is theirs, so the name is taken as a new one."""

    name: str
    state: FederalState | None
    kind: MunicipalityKind | None = None
    population_class: PopulationClass | None = None
    chosen_id: int | None = None
    none_listed: bool = False


class AmbiguousMunicipality(DomainError):
    """Several directory entries have the name typed (and nothing said which): the form asks
    which one is meant, listing ``candidates``."""

    def __init__(self, candidates: list[directory_search.Found]):
        super().__init__(
            _("Es gibt mehrere Kommunen dieses Namens. Bitte wählen Sie, welche Sie meinen."),
            "municipality",
        )
        self.candidates = candidates


# Built once (with parameters), like the statements in registrations.seats: every
# registration and booking runs them, and building them costs more than running them.
# Core statements of the table's columns: on a registration, the ORM's execution path (and
# loading ORM objects) cost more CPU than the statements themselves (see docs/performance.md).
_municipalities = Municipality.__table__
# The entry chosen in the directory, if it is verified, not dissolved and the name is its name
# (as the combobox sets it), else the first municipality of that name in that Land, unless the
# directory has several of that name there (the person is asked which). A scalar expression,
# so that a registration can ask it in the statement that locks its date (see
# registrations.seats); ``adopt_municipality`` looks further for what it does not find.
KNOWN_MUNICIPALITY_ID = sa.func.coalesce(
    sa.select(_municipalities.c.id)
    .where(
        _municipalities.c.id == sa.bindparam("municipality_chosen_id", type_=sa.Integer),
        _municipalities.c.name_key == sa.bindparam("municipality_key"),
        _municipalities.c.verified_at.is_not(None),
        _municipalities.c.dissolved_at.is_(None),
    )
    .scalar_subquery(),
    sa.select(
        sa.case(
            (sa.func.count(_municipalities.c.ars) > 1, sa.null()),
            else_=sa.func.min(_municipalities.c.id),
        )
    )
    .where(
        _municipalities.c.name_key == sa.bindparam("municipality_key"),
        _municipalities.c.state == sa.bindparam("municipality_state"),
    )
    .scalar_subquery(),
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
    """The name of a municipality as typed, checked, with what it is looked up by:
    ``chosen_id``, the directory entry chosen (which is the known one if the name is its
    name, whatever else carries the name)."""

    name: str
    state: FederalState
    chosen_id: int | None = None

    def lookup(self) -> dict[str, object]:
        """The parameters of ``KNOWN_MUNICIPALITY_ID``."""
        return {
            "municipality_chosen_id": self.chosen_id,
            "municipality_key": name_key(self.name),
            "municipality_state": self.state,
        }


def checked_name(given: MunicipalityInput) -> MunicipalityName:
    """The name with its spacing folded, and its Land; a clear message if either is missing.

    Without a Land, a name the directory knows is that entry, with its name and Land
    (``directory_entry``): the Land is asked only of a name it does not know. With one, the
    directory is asked only if ``KNOWN_MUNICIPALITY_ID`` finds nothing (``adopt_municipality``):
    the busiest write asks no more than it must."""
    name = " ".join(given.name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie Ihre Kommune an."), "municipality")
    if len(name) > 200:
        raise DomainError(_("Der Name der Kommune ist zu lang."), "municipality")
    if given.state is None:
        entry = directory_entry(name, given)
        if entry is None:
            raise DomainError(_("Bitte wählen Sie das Bundesland Ihrer Kommune."), "state")
        return MunicipalityName(entry.name, entry.state, entry.id)
    return MunicipalityName(name, given.state, given.chosen_id)


def directory_entry(name: str, given: MunicipalityInput) -> directory_search.Found | None:
    """The verified entry meant by ``name``: the one chosen, as long as the text still names it
    (whoever chose and then typed another name meant the name typed); else the only one of
    that name (in the Land picked, if one was). AmbiguousMunicipality if several have it and
    the name typed in full names none of them alone; None if none has it, or the person
    said that none of those offered is theirs."""
    typed = core_key(name)
    if given.chosen_id is not None:
        chosen = directory_search.chosen(given.chosen_id)
        if chosen is not None and core_key(chosen.name) == typed:
            return chosen
    if given.none_listed or not typed:
        return None
    candidates = directory_search.same_name(name, given.state)
    if len(candidates) > 1:
        # "Neuenkirchen, Stadt" typed in full names one of the Neuenkirchens.
        exact = [found for found in candidates if name_key(found.name) == name_key(name)]
        if len(exact) != 1:
            raise AmbiguousMunicipality(candidates)
        candidates = exact
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class PersonRow:
    """The person as stored by ``write_person``: what a registration and its mails need."""

    id: int
    name: str
    email: str


@functools.cache
def person_upsert(dialect_name: str, returning: bool, overwrite: bool) -> sa.Insert:
    """INSERT … ON CONFLICT (email) DO UPDATE [… RETURNING id, name], PostgreSQL or SQLite.

    ``overwrite`` (staff, who are trusted): a stored person takes the new name, function,
    language and municipality. Otherwise (a public form: anybody may type any address) a
    stored person stays as they are; the no-op update is there so that RETURNING yields the
    row. The name returned is the stored one, so that mails greet the mailbox owner by the
    name we know, never by what a stranger typed."""
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
    changes: dict[str, Any] = (
        {
            "name": insert.excluded.name,
            "function": insert.excluded.function,
            "locale": insert.excluded.locale,
            # No municipality given: keep the one we know.
            "municipality_id": sa.func.coalesce(
                insert.excluded.municipality_id, table.c.municipality_id
            ),
        }
        if overwrite
        else {"email": insert.excluded.email}
    )
    upsert = insert.on_conflict_do_update(index_elements=[table.c.email], set_=changes)
    statement: sa.Insert = upsert.returning(table.c.id, table.c.name) if returning else upsert
    return statement


def resolve_municipality(given: MunicipalityInput, by_staff: bool, now: datetime) -> int:
    """The id of the known municipality of that name in that Land, or of a new one (kind
    required then); see ``adopt_municipality`` for ``by_staff``."""
    name = checked_name(given)
    known_id = db.session.execute(_KNOWN_MUNICIPALITY, name.lookup()).scalar()
    return adopt_municipality(given, name, known_id, by_staff, now)


def adopt_municipality(
    given: MunicipalityInput,
    name: MunicipalityName,
    known_id: int | None,
    by_staff: bool,
    now: datetime,
) -> int:
    """``resolve_municipality`` once ``KNOWN_MUNICIPALITY_ID`` has been asked: the known one
    (its population class filled in if we had none), or a new one. Staff vouch for the
    municipality they enter (verified); a public form's new one stays unverified until its
    registration or consultation is confirmed by mail (``verify``).

    What that statement did not settle, the directory does (``directory_entry``): a choice
    whose name is not the entry's own ("Neuenkirchen" for "Neuenkirchen, Stadt"), a name
    nobody used yet ("Heide" for "Heide, Stadt"). Several entries of the name typed:
    AmbiguousMunicipality (the caller rolls back)."""
    if (known_id is None and not given.none_listed) or (
        given.chosen_id is not None and known_id != given.chosen_id
    ):
        entry = directory_entry(name.name, given)
        if entry is not None:
            known_id = entry.id
    if known_id is not None:
        # The size of an entry chosen is the directory's (the combobox filled it in from there).
        if given.population_class is not None and known_id != given.chosen_id:
            db.session.execute(
                _FILL_POPULATION_CLASS,
                {"municipality_id": known_id, "population_class": given.population_class},
            )
        if by_staff:
            verify(known_id, now)
        return known_id
    if given.kind is None:
        raise DomainError(
            _(
                "Diese Kommune kennen wir noch nicht. Bitte wählen Sie, welche Art von Kommune "
                "sie ist."
            ),
            "municipality_kind",
        )
    # A Core INSERT: the model's default would turn an explicit None into "verified now".
    municipality_id: int = db.session.execute(
        sa.insert(Municipality)
        .values(
            name=name.name,
            name_key=name_key(name.name),
            search_key=search_key(name.name),
            kind=given.kind,
            state=name.state,
            population_class=given.population_class,
            verified_at=now if by_staff else None,
        )
        .returning(Municipality.id)
    ).scalar_one()
    return municipality_id


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


def write_person(values: dict[str, Any], overwrite: bool) -> PersonRow:
    """The person with this e-mail address (``values``: from ``person_values``), created if
    new; with ``overwrite`` (staff) a stored person takes the latest name, function and
    language (and municipality, if one is given), otherwise they stay as stored (see
    ``person_upsert``). Returns them as stored.

    One statement, INSERT … ON CONFLICT (email) DO UPDATE … RETURNING (PostgreSQL, and SQLite
    since 3.35): two first registrations with the same address may arrive at once (two dates,
    two tabs), and both find the one row instead of one failing.
    """
    dialect = db.session.get_bind().dialect
    upsert = person_upsert(dialect.name, dialect.insert_returning, overwrite)
    if dialect.insert_returning:
        row = db.session.execute(upsert, values).one()
    else:
        db.session.execute(upsert, values)  # SQLite before 3.35: a second statement finds it
        row = db.session.execute(
            sa.select(Person.id, Person.name).where(Person.email == values["email"])
        ).one()
    return PersonRow(row.id, row.name, values["email"])


# -- what a public form typed, until the mailbox owner confirms ------------------------------

_PENDING_KEYS = ("name", "function", "locale", "municipality_id")


def pending_values(values: dict[str, Any]) -> dict[str, Any]:
    """What a public form typed about the person (``values``: from ``person_values``), kept
    with the registration or consultation until its address is confirmed."""
    return {key: values[key] for key in _PENDING_KEYS}


def apply_pending(person: Person | None, pending: dict[str, Any] | None) -> None:
    """The mailbox owner confirmed: the person takes what their form typed (a municipality
    only if one was given, as with staff entries). A link we mailed was opened, so the
    address works again if a bounce had marked it undeliverable."""
    if person is None:
        return
    person.undeliverable_at = None
    person.undeliverable_reason = None
    if not pending:
        return
    person.name = pending["name"]
    person.function = pending["function"]
    person.locale = pending["locale"]
    if pending["municipality_id"] is not None:
        person.municipality_id = pending["municipality_id"]


@dataclass(frozen=True)
class PendingChange:
    """A public form's values that differ from the stored person, for staff to see."""

    name: str | None
    function: str | None
    municipality: str | None

    def __bool__(self) -> bool:
        return any((self.name, self.function, self.municipality))


def pending_change(person: Person | None, pending: dict[str, Any] | None) -> PendingChange | None:
    """What confirming would change about ``person``, or None if nothing (or nobody)."""
    if person is None or not pending:
        return None
    municipality = None
    if pending["municipality_id"] not in (None, person.municipality_id):
        found = db.session.get(Municipality, pending["municipality_id"])
        municipality = found.name if found is not None else None
    change = PendingChange(
        name=pending["name"] if pending["name"] != person.name else None,
        function=pending["function"] if pending["function"] != person.function else None,
        municipality=municipality,
    )
    return change or None


# -- verified municipalities -----------------------------------------------------------------


def verify(municipality_id: int | None, now: datetime) -> bool:
    """Staff entered it or a mailbox owner confirmed a registration from it: suggest it.
    True if it was unverified until now (a second call changes nothing)."""
    if municipality_id is None:
        return False
    result = db.session.execute(
        sa.update(Municipality)
        .where(Municipality.id == municipality_id, Municipality.verified_at.is_(None))
        .values(verified_at=now)
    )
    return rowcount(result) == 1
