"""New rows for several tables, written in one round trip where the database allows it.

PostgreSQL runs data-modifying statements inside WITH: ``INSERT a; INSERT b; INSERT c`` become
``WITH r0 AS (INSERT a), r1 AS (INSERT b) INSERT c``, one statement instead of three. Every
statement costs the app and the database CPU time of its own, whatever it does, and on the
busiest write (a registration) that cost was most of the work (see docs/performance.md).
SQLite gets the INSERTs one after another; it runs in our process, so a statement is cheap.

Either way the rows are part of the current transaction. They must not need each other's
generated values: a row that another one names gets its id up front (a registration takes
its id from the count that precedes it, ``registrations.seats.count_newcomer``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from startsmart.extensions import db

Row = tuple[sa.Table, Mapping[str, Any]]


def insert_together(rows: Sequence[Row]) -> None:
    """INSERT each ``(table, values)`` of ``rows`` in the current transaction; columns left
    out get their defaults, as with ``sa.insert``."""
    if db.session.get_bind().dialect.name != "postgresql" or len(rows) == 1:
        for table, values in rows:
            db.session.execute(_insert(table), values)
        return
    complete = [(table, _with_defaults(table, values)) for table, values in rows]
    statement = _one_statement(tuple((table, tuple(values)) for table, values in complete))
    db.session.execute(
        statement,
        {
            _parameter(n, key): value
            for n, (_, values) in enumerate(complete)
            for key, value in values.items()
        },
    )


def _with_defaults(table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` and the Python-side default of every column left out. SQLAlchemy would name
    the parameters of those defaults after their columns, so two tables with a ``created_at``
    in one statement would share one value; here each row gets its own."""
    complete = dict(values)
    for column in table.columns:
        default = column.default
        if column.key in complete or default is None:
            continue
        if default.is_scalar:
            complete[column.key] = default.arg
        elif default.is_callable:
            complete[column.key] = default.arg(None)  # our defaults ignore the context
    return complete


@functools.cache
def _insert(table: sa.Table) -> sa.Insert:
    return sa.insert(table)


def _parameter(row: int, key: str) -> str:
    return f"r{row}_{key}"


@functools.lru_cache(maxsize=64)
def _one_statement(shapes: tuple[tuple[sa.Table, tuple[str, ...]], ...]) -> sa.Insert:
    """The statement for rows of these tables and columns, built once: building one costs
    more CPU than running it."""
    inserts = [
        sa.insert(table).values(
            {key: sa.bindparam(_parameter(n, key), type_=table.c[key].type) for key in keys}
        )
        for n, (table, keys) in enumerate(shapes)
    ]
    statement = inserts[-1]
    for n, insert in enumerate(inserts[:-1]):
        statement = statement.add_cte(insert.cte(f"r{n}"))
    return statement
