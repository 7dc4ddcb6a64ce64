"""After ``match``, a Kommune is one row: the limit of people per municipality and date, the
one initial consultation a year and the model-project rule count per directory entry (per AGS),
however its name came in (typed "Heide" or the directory's "Heide, Stadt")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from directory_support import load_directory
from moments import working_day
from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.matching import match
from startsmart.municipalities.model_projects import SHIPPED_LIST, import_model_projects
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from support import make_date

SH = FederalState.SH


def _applicant(email: str, town: str) -> registrations.Applicant:
    """From ``town`` as typed before the directory was loaded (as a form now sends it when the
    person says none of the directory's entries is theirs); "Heide, Stadt" is the entry's own
    name and finds it all the same."""
    return registrations.Applicant(
        name=email.split("@")[0].title(),
        email=email,
        function="Digitalisierung",
        municipality=MunicipalityInput(town, SH, MunicipalityKind.CITY, none_listed=True),
    )


def _id(name: str) -> int:
    return db.session.execute(
        sa.select(Municipality.id).where(Municipality.name == name, Municipality.state == SH)
    ).scalar_one()


def test_typed_heide_and_the_directory_heide_count_against_one_limit(app, tmp_path, smtp):
    load_directory(app, tmp_path)
    date_id = make_date(app, capacity=20, limit=2)
    with app.app_context():
        now = clock.now()
        registrations.register(date_id, _applicant("anna@heide.de", "Heide"), now, by_staff=True)
        registrations.register(date_id, _applicant("ben@heide.de", "Heide, Stadt"), now)
        assert _id("Heide") != _id("Heide, Stadt")  # two rows, one each: under the limit
        assert match(clock.now()).merged == 1
        with pytest.raises(DomainError, match="schon 2 Personen angemeldet"):
            registrations.register(date_id, _applicant("cem@heide.de", "Heide, Stadt"), now)


def test_eligibility_counts_the_consultations_of_both_names(app, tmp_path, smtp):
    load_directory(app, tmp_path)
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        booking.book(
            booking_request(
                working_day(7),
                municipality=MunicipalityInput(
                    "Heide", SH, MunicipalityKind.CITY, none_listed=True
                ),
                email="ida@heide.de",
            ),
            clock.now(),
        )
        entry = db.session.get(Municipality, _id("Heide, Stadt"))
        booking.check_eligibility(entry, clock.now())  # the typed row's booking is elsewhere
        match(clock.now())
        entry = db.session.get(Municipality, _id("Heide, Stadt"))
        with pytest.raises(booking.NotEligible, match="bereits eine Initialberatung gebucht"):
            booking.check_eligibility(entry, clock.now())


def test_a_typed_model_project_place_is_one_after_matching(app, tmp_path, smtp):
    load_directory(app, tmp_path)
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        import_model_projects(SHIPPED_LIST, clock.now())  # marks "Lübeck, Hansestadt"
        booked = booking.book(
            booking_request(
                working_day(7),
                municipality=MunicipalityInput(
                    "Lübeck", SH, MunicipalityKind.CITY, none_listed=True
                ),
                email="lea@luebeck.de",
            ),
            clock.now(),
        )
        typed = db.session.get(Consultation, booked.consultation_id).municipality
        assert typed.name == "Lübeck" and not typed.is_model_project
        match(clock.now())
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert consultation.municipality.name == "Lübeck, Hansestadt"
        assert consultation.municipality.is_model_project
        with pytest.raises(booking.NotEligible, match="Modellprojekt"):
            booking.check_eligibility(consultation.municipality, clock.now())
