"""Many at once, for the race tests: threads released together, each in its own app context
(its own database connection and transaction), and the gap a race needs held open by
SQLAlchemy event listeners (the app has no switch for these tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from startsmart.extensions import db


def all_at_once(app, work, count: int) -> list:
    """Run ``work(n)`` in ``count`` threads released together; return results or errors."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(number: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[number] = work(number)
            except Exception as error:  # reported by the caller's assertion
                db.session.rollback()
                results[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@contextmanager
def gap_held_open(
    app, counting: str, lock_clauses: tuple[str, ...], seconds: float = 0.05, lock: bool = True
) -> Iterator[None]:
    """Pause for ``seconds`` after every statement containing ``counting`` (the count a
    decision rests on), so that a race which the lock does not prevent happens every time, not
    by luck; with ``lock=False`` also take the lock away (``lock_clauses``, e.g.
    " FOR UPDATE OF event_date", dropped from the statements)."""

    def without_lock(conn, cursor, statement, parameters, context, executemany):
        for clause in lock_clauses:
            statement = statement.replace(clause, "")
        return statement, parameters

    def pause(conn, cursor, statement, parameters, context, executemany):
        if counting in statement:
            time.sleep(seconds)

    with app.app_context():
        engine = db.engine
    listeners: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
        ("after_cursor_execute", pause, {})
    ]
    if not lock:
        listeners.append(("before_cursor_execute", without_lock, {"retval": True}))
    for name, listener, options in listeners:
        sa.event.listen(engine, name, listener, **options)
    try:
        yield
    finally:
        for name, listener, _ in listeners:
            sa.event.remove(engine, name, listener)
