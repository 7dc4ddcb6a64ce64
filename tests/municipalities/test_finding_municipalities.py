"""Which municipality a registration belongs to: a known one found by its name (whatever the
case and spacing) in its Land, a new one only with its kind, and the population class filled
in where we had none, never overwritten."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from moments import moment_of_this_run
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from support import make_date

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def register(date_id: int, number: int, town: MunicipalityInput) -> None:
    service.register(
        date_id,
        service.Applicant(
            name=f"Person {number}",
            email=f"person{number}@kommune.de",
            function="",
            municipality=town,
        ),
        NOW,
    )


def municipalities() -> list[tuple[str, FederalState, PopulationClass | None, int]]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(Municipality).order_by(Municipality.id)).scalars()
    return [(m.name, m.state, m.population_class, len(m.people)) for m in rows]


def test_a_known_municipality_is_found_by_name_in_its_land(app, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        register(
            date_id, 1, MunicipalityInput("Bad Oldesloe", FederalState.SH, MunicipalityKind.TOWN)
        )
        # Typed differently, no kind needed: the same one.
        register(date_id, 2, MunicipalityInput("  bad   OLDESLOE ", FederalState.SH))
        # The same name in another Land is another municipality.
        register(
            date_id, 3, MunicipalityInput("Bad Oldesloe", FederalState.NI, MunicipalityKind.TOWN)
        )
        assert municipalities() == [
            ("Bad Oldesloe", FederalState.SH, None, 2),
            ("Bad Oldesloe", FederalState.NI, None, 1),
        ]


def test_the_population_class_is_filled_in_once_and_never_overwritten(app, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        register(date_id, 1, MunicipalityInput("Eutin", FederalState.SH, MunicipalityKind.TOWN))
        small = PopulationClass("5k_20k")
        register(date_id, 2, MunicipalityInput("Eutin", FederalState.SH, population_class=small))
        other = next(c for c in PopulationClass if c is not small)
        register(date_id, 3, MunicipalityInput("Eutin", FederalState.SH, population_class=other))
        assert municipalities() == [("Eutin", FederalState.SH, small, 3)]


def test_an_unknown_municipality_needs_its_kind_and_nothing_is_written_without_it(app, smtp):
    date_id = make_date(app, capacity=10)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            register(date_id, 1, MunicipalityInput("Neuort", FederalState.SH))
        db.session.rollback()
        assert refused.value.field == "municipality_kind"
        assert "Diese Kommune kennen wir noch nicht" in refused.value.message
        assert municipalities() == []
