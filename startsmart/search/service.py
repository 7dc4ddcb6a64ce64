"""The staff search: people, municipalities, and their registrations and consultations.

One text is matched, case- and umlaut-tolerant (``fold``), against people's names and e-mail
addresses and municipalities' names (and an AGS typed in full). What comes back is only what
the asking role may open (``Visibility``, decided by the view from the target pages' own
role checks): a person is listed only with a registration or consultation the role can see.
Anonymised rows name nobody (``person_id`` is gone) and purged people are deleted, so their
old names and addresses find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.compiler import SQLCompiler

from startsmart.catalog.models import EventDate
from startsmart.consultations.models import Consultation
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, Person
from startsmart.registrations.models import Registration
from startsmart.search.fold import ONE_FOR_ONE, SPELLED_OUT, fold, fold_stored, like_pattern

PAGE_SIZE = 10  # hits per group and page
ITEMS_PER_HIT = 5  # registrations and consultations shown under one person or municipality


class Group(Enum):
    PEOPLE = "personen"
    MUNICIPALITIES = "kommunen"
    BOOKINGS = "anmeldungen"


@dataclass(frozen=True)
class Visibility:
    """What the asking staff member may open: the date's registration list, a consultation."""

    registrations: bool
    consultations: bool


@dataclass(frozen=True)
class Item:
    """One registration or one consultation, with what the result line shows."""

    starts_at: datetime
    registration: Registration | None = None
    consultation: Consultation | None = None


@dataclass(frozen=True)
class PersonHit:
    person: Person
    items: list[Item]
    item_count: int


@dataclass(frozen=True)
class MunicipalityHit:
    municipality: Municipality
    items: list[Item]
    item_count: int


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    hits: list[T]
    total: int
    number: int  # 1-based
    pages: int


@dataclass(frozen=True)
class Results:
    people: Page[PersonHit]
    municipalities: Page[MunicipalityHit]
    bookings: Page[Item]


class Folded(sa.sql.functions.GenericFunction[str]):
    """``fold_stored`` of a column, in SQL: the same text on both databases."""

    type = sa.String()
    name = "search_fold"
    inherit_cache = True


@compiles(Folded, "sqlite")
def _fold_on_sqlite(element: Folded, compiler: SQLCompiler, **kw: Any) -> str:
    # fold.fold_stored itself, registered on every SQLite connection (database.py).
    return f"search_fold({compiler.process(element.clauses, **kw)})"


@compiles(Folded, "postgresql")
def _fold_on_postgresql(element: Folded, compiler: SQLCompiler, **kw: Any) -> str:
    sql = compiler.process(element.clauses, **kw)
    for letter, plain in SPELLED_OUT.items():
        sql = f"replace({sql}, '{letter}', '{plain}')"
    source, target = "".join(ONE_FOR_ONE), "".join(ONE_FOR_ONE.values())
    # translate() compares every letter with each of its ~140: 80 ms over 3,000 names. Most
    # German names are plain ASCII once the umlauts are spelled out, and skip it (30 ms).
    return (
        f"lower(CASE WHEN {sql} ~ '^[ -~]*$' THEN {sql} "
        f"ELSE translate({sql}, '{source}', '{target}') END)"
    )


def folded(column: sa.orm.InstrumentedAttribute[str]) -> sa.ColumnElement[str]:
    return Folded(column)


def _person_match(text: str) -> sa.ColumnElement[bool]:
    pattern = like_pattern(fold(text))
    address = like_pattern(" ".join(text.split()).lower())
    return sa.or_(
        folded(Person.name).like(pattern, escape="\\"),
        Person.email.like(address, escape="\\"),
    )


def _municipality_match(text: str) -> sa.ColumnElement[bool]:
    match = folded(Municipality.name).like(like_pattern(fold(text)), escape="\\")
    stripped = text.strip()
    if stripped.isdigit() and len(stripped) == 8:  # an AGS typed in full
        return sa.or_(match, Municipality.ags == stripped)
    return match


def _union(
    visible: Visibility,
    registration_where: sa.ColumnElement[bool],
    consultation_where: sa.ColumnElement[bool],
    owners: tuple[Any, Any] | None = None,
) -> sa.Subquery | None:
    """(owner, kind, id, starts_at) of the matching registrations and consultations the asker
    sees; ``owners`` names the person or municipality column each row is listed under."""
    registration_owner, consultation_owner = owners or (sa.literal(0), sa.literal(0))
    parts: list[sa.Select[Any, str, int, datetime]] = []
    if visible.registrations:
        parts.append(
            sa.select(
                registration_owner.label("owner"),
                sa.literal("r").label("kind"),
                Registration.id.label("id"),
                EventDate.starts_at.label("starts_at"),
            )
            .join(EventDate, Registration.event_date_id == EventDate.id)
            .where(registration_where)
        )
    if visible.consultations:
        parts.append(
            sa.select(
                consultation_owner.label("owner"),
                sa.literal("c").label("kind"),
                Consultation.id.label("id"),
                Consultation.starts_at.label("starts_at"),
            ).where(consultation_where)
        )
    if not parts:
        return None
    return (sa.union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def _newest_first(both: sa.Subquery) -> tuple[sa.ColumnElement[Any], ...]:
    # A date in the future above the past ones: staff look ahead.
    return (both.c.starts_at.desc(), both.c.kind, both.c.id.desc())


def _count(both: sa.Subquery | None) -> int:
    if both is None:
        return 0
    return db.session.execute(sa.select(sa.func.count()).select_from(both)).scalar_one()


def _list(both: sa.Subquery | None, limit: int, offset: int = 0) -> list[Item]:
    if both is None:
        return []
    rows = db.session.execute(
        sa.select(both.c.kind, both.c.id).order_by(*_newest_first(both)).limit(limit).offset(offset)
    ).all()
    return _as_items([(kind, i) for kind, i in rows])


def _as_items(rows: list[tuple[str, int]]) -> list[Item]:
    """The rows loaded, in the given order: two queries whatever their number."""
    registrations = _registrations([i for kind, i in rows if kind == "r"])
    consultations = _consultations([i for kind, i in rows if kind == "c"])
    return [
        Item(registrations[i].event_date.starts_at, registration=registrations[i])
        if kind == "r"
        else Item(consultations[i].starts_at, consultation=consultations[i])
        for kind, i in rows
    ]


def _items_by_owner(
    visible: Visibility,
    registration_owner: sa.orm.InstrumentedAttribute[int | None],
    consultation_owner: sa.orm.InstrumentedAttribute[int | None],
    owner_ids: list[int],
) -> dict[int, tuple[list[Item], int]]:
    """For each person (or municipality) of a page: their newest few items and how many there
    are, in a fixed number of queries for the whole page (a window function ranks them)."""
    both = _union(
        visible,
        registration_owner.in_(owner_ids),
        consultation_owner.in_(owner_ids),
        (registration_owner, consultation_owner),
    )
    if both is None or not owner_ids:
        return {}
    counted = db.session.execute(sa.select(both.c.owner, sa.func.count()).group_by(both.c.owner))
    counts: dict[int, int] = {owner: number for owner, number in counted}
    rank = (
        sa.func.row_number()
        .over(partition_by=both.c.owner, order_by=_newest_first(both))
        .label("rank")
    )
    ranked = sa.select(both.c.owner, both.c.kind, both.c.id, rank).subquery()
    rows = db.session.execute(
        sa.select(ranked.c.owner, ranked.c.kind, ranked.c.id)
        .where(ranked.c.rank <= ITEMS_PER_HIT)
        .order_by(ranked.c.owner, ranked.c.rank)
    ).all()
    items = _as_items([(kind, i) for _owner, kind, i in rows])
    found: dict[int, tuple[list[Item], int]] = {}
    for (owner, _kind, _id), item in zip(rows, items, strict=True):
        found.setdefault(owner, ([], counts[owner]))[0].append(item)
    return found


def _registrations(ids: list[int]) -> dict[int, Registration]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Registration)
        .where(Registration.id.in_(ids))
        .options(
            selectinload(Registration.event_date).selectinload(EventDate.offering),
            selectinload(Registration.person),
            selectinload(Registration.municipality),
        )
    )
    return {row.id: row for row in rows.scalars()}


def _consultations(ids: list[int]) -> dict[int, Consultation]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Consultation)
        .where(Consultation.id.in_(ids))
        .options(selectinload(Consultation.person), selectinload(Consultation.municipality))
    )
    return {row.id: row for row in rows.scalars()}


def _page(total: int, number: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(number, 1), pages), pages


@dataclass(frozen=True)
class Matches:
    """Who matches, in the order shown: each table is scanned once per search, and every
    group's queries reuse the ids. The order is made in Python from the folded names, so both
    databases list alike (their collations sort spaces and hyphens differently)."""

    people: list[int]  # every matching person (their registrations count for the third group)
    shown_people: list[int]  # those with something the asker may open, by folded name
    municipalities: list[int]  # by name, then Land


def matches(text: str, visible: Visibility) -> Matches:
    seen: list[sa.ColumnElement[bool]] = [sa.false()]
    if visible.registrations:
        seen.append(sa.exists().where(Registration.person_id == Person.id))
    if visible.consultations:
        seen.append(sa.exists().where(Consultation.person_id == Person.id))
    people = db.session.execute(
        sa.select(Person.id, Person.name, sa.or_(*seen)).where(_person_match(text))
    ).all()
    towns = db.session.execute(
        sa.select(Municipality.id, Municipality.name_key, Municipality.state).where(
            _municipality_match(text)
        )
    ).all()
    shown = sorted(((fold_stored(name) or "", pid) for pid, name, open_ in people if open_))
    return Matches(
        people=[pid for pid, _name, _open in people],
        shown_people=[pid for _key, pid in shown],
        municipalities=[
            tid
            for _key, _state, tid in sorted((key, state.value, tid) for tid, key, state in towns)
        ],
    )


def _one_page(model: type[M], ids: list[int], number: int) -> tuple[list[M], int, int, int]:
    """Page ``number`` of ``ids`` (in their order) loaded: the rows, the total, page, pages."""
    number, pages = _page(len(ids), number)
    wanted = ids[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    rows = {
        row.id: row
        for row in db.session.execute(sa.select(model).where(model.id.in_(wanted))).scalars()
    }
    return [rows[i] for i in wanted], len(ids), number, pages


M = TypeVar("M", Person, Municipality)


def find_people(matched: Matches, visible: Visibility, number: int = 1) -> Page[PersonHit]:
    """People by name or e-mail, with something of theirs the asker may open."""
    people, total, number, pages = _one_page(Person, matched.shown_people, number)
    items = _items_by_owner(
        visible, Registration.person_id, Consultation.person_id, [p.id for p in people]
    )
    hits = [PersonHit(person, *items.get(person.id, ([], 0))) for person in people]
    return Page(hits, total, number, pages)


def find_municipalities(
    matched: Matches, visible: Visibility, number: int = 1
) -> Page[MunicipalityHit]:
    """Municipalities by name (or AGS); public facts, so every role sees them."""
    found, total, number, pages = _one_page(Municipality, matched.municipalities, number)
    items = _items_by_owner(
        visible,
        Registration.municipality_id,
        Consultation.municipality_id,
        [m.id for m in found],
    )
    hits = [MunicipalityHit(town, *items.get(town.id, ([], 0))) for town in found]
    return Page(hits, total, number, pages)


def find_bookings(matched: Matches, visible: Visibility, number: int = 1) -> Page[Item]:
    """Every registration and consultation of a matching person or municipality, newest first."""
    people, towns = matched.people, matched.municipalities
    registration_where = sa.or_(
        Registration.person_id.in_(people), Registration.municipality_id.in_(towns)
    )
    consultation_where = sa.or_(
        Consultation.person_id.in_(people), Consultation.municipality_id.in_(towns)
    )
    both = _union(visible, registration_where, consultation_where)
    total = _count(both)
    number, pages = _page(total, number)
    return Page(_list(both, PAGE_SIZE, (number - 1) * PAGE_SIZE), total, number, pages)


def search(text: str, visible: Visibility, group: Group | None = None, number: int = 1) -> Results:
    """All three groups at their first page; with ``group``, that group at page ``number`` and
    the others left empty (the "more" link pages through one group)."""
    matched = matches(text, visible)

    def page_of(which: Group) -> int:
        return 1 if group is None else (number if group is which else 0)

    return Results(
        people=find_people(matched, visible, page_of(Group.PEOPLE))
        if page_of(Group.PEOPLE)
        else Page([], 0, 1, 1),
        municipalities=find_municipalities(matched, visible, page_of(Group.MUNICIPALITIES))
        if page_of(Group.MUNICIPALITIES)
        else Page([], 0, 1, 1),
        bookings=find_bookings(matched, visible, page_of(Group.BOOKINGS))
        if page_of(Group.BOOKINGS)
        else Page([], 0, 1, 1),
    )
