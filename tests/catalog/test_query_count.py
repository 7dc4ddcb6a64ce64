"""The catalogue runs a constant number of SQL queries, however many dates and registrations."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from startsmart import clock
from startsmart.catalog.models import EventDate, Offering, OfferingFormat, Topic
from startsmart.clock import BERLIN
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, Person
from startsmart.registrations.models import Registration, RegistrationStatus


def _fill(app, dates: int) -> None:
    with app.app_context():
        topic = Topic(name="Monitoring", slug="monitoring")
        offerings = [
            Offering(
                slug=f"o{n}",
                format=fmt,
                title=f"O{n}",
                summary="s",
                description="d",
                topics=[topic],
            )
            for n, fmt in enumerate(OfferingFormat)
        ]
        town = Municipality(
            name="Kiel", kind=MunicipalityKind.INDEPENDENT_CITY, state=FederalState.SH
        )
        person = Person(name="P", email="p@kiel.de", municipality=town)
        now = clock.now()
        for number in range(dates):
            date = EventDate(
                offering=offerings[number % 4],
                capacity=5,
                starts_at=now + timedelta(days=1, hours=number),
                ends_at=now + timedelta(days=1, hours=number + 1),
                online_url="https://k.example.org/x",
            )
            db.session.add(date)
            db.session.add(
                Registration(
                    event_date=date,
                    person=person,
                    municipality=town,
                    status=RegistrationStatus.CONFIRMED,
                    created_at=now,
                    privacy_notice_version="t",
                    privacy_acknowledged_at=now,
                )
            )
        db.session.commit()


@contextmanager
def counted_queries(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("dates", [10, 500])
@pytest.mark.parametrize(
    "path",
    [
        "/angebote/",
        "/angebote/o0",
        "/angebote/o2",  # the initial consultation: no dates, a booking hint instead
        "/",
        "/angebote/?format=thematic_input",
        "/angebote/?thema=monitoring&monat={month}",
        "/angebote/?format=moderated_exchange&thema=monitoring&monat={month}&seite=2",
        "/angebote/?seite=9999",  # beyond the last page: the first page instead
        "/angebote/?ort=online&frei=1",  # the seats counted in the same query
        "/angebote/?format=x&thema=y&monat=z&seite=0",
    ],
)
def test_catalogue_query_count_is_constant(app, client, dates, path):
    _fill(app, dates)
    month = f"{(clock.now() + timedelta(days=1)).astimezone(BERLIN):%Y-%m}"
    with counted_queries(app) as statements:
        response = client.get(path.format(month=month))
    assert response.status_code == 200
    assert len(statements) <= 6, statements
