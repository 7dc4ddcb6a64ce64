"""The declarative base, the constraint naming convention and the shared column types."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

from startsmart.search.fold import fold_stored

# Stable names make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    if TYPE_CHECKING:
        # Every model is mapped to one table (none to a join or a select), so its __table__ is
        # a Table, as the Core statements of the write paths need it.
        __table__: ClassVar[sa.Table]


def rowcount(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through ``Session.execute`` matched.

    ``Session.execute`` is typed to return a ``Result``; for such a statement it is always a
    ``CursorResult``, which has the count."""
    return cast(sa.CursorResult[Any], result).rowcount


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A point in time, always stored and returned timezone-aware in UTC.

    SQLite has no timezone type, so the value is stored as naive UTC there and made aware again
    on load; PostgreSQL stores ``timestamptz``. Naive datetimes are refused: they are a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a label for people: ``CITY = "city", _l("Stadt")``."""

    _label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label in the current language (lazy strings resolve here)."""
        return str(self._label)


def enum_column(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, storing the values, not the names."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


@sa.event.listens_for(sa.engine.Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite leaves foreign keys off and blocks readers during writes unless told otherwise."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    # We issue BEGIN ourselves (below) instead of the driver's deferred, implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    # The staff search folds stored names in SQL; SQLite's lower() knows only ASCII, so it gets
    # the search's own folding (PostgreSQL builds the same from translate() and replace()).
    dbapi_connection.create_function("search_fold", 1, fold_stored, deterministic=True)


@sa.event.listens_for(sa.engine.Engine, "begin")
def _begin_immediate_on_sqlite(connection: sa.Connection) -> None:
    """Every SQLite transaction takes the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes can fail with "database is locked" when
    another writer got in between, and the busy timeout cannot help it. Taking the lock first
    serialises writers the way row locks do on PostgreSQL: a seat counted is a seat still free
    when the registration is written. SQLite is the embedded default, so the lost parallelism
    does not matter; PostgreSQL keeps ordinary transactions and locks rows where it must.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
