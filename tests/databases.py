"""Throwaway databases for a test worker: a SQLite file, or a PostgreSQL database of its own."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import sqlalchemy as sa
from psycopg import sql

from environment import POSTGRES_ADMIN_URL, require
from startsmart.extensions import db


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def postgres_database(label: str) -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it (even if clients still hold it)."""
    require(postgres_available(), f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}")
    name = f"startsmart_test_{label}_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def sqlite_database(directory: Path, label: str) -> Iterator[str]:
    # A file, not :memory:, so the live server thread of the browser tests sees the same data.
    yield f"sqlite:///{directory / f'{label}.sqlite3'}"


def empty_all_tables() -> None:
    """Delete every row of the app's database (inside an app context), keeping the schema.

    After a browser test the live server may still answer a request the closed page sent (a
    presenter's poll): its reads and the TRUNCATE's locks can deadlock, and PostgreSQL then
    cancels one of them. The TRUNCATE is tried again once that request has finished."""
    tables = list(reversed(db.metadata.sorted_tables))
    for attempt in range(5):
        try:
            with db.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    names = ", ".join(f'"{t.name}"' for t in tables)
                    connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        connection.execute(table.delete())
            return
        except sa.exc.OperationalError as error:
            if not isinstance(error.orig, psycopg.errors.DeadlockDetected) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
