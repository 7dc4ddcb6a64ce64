"""A municipality from the directory: chosen in the combobox (an id with the name), or, without
JavaScript, matched by the name typed; several of one name make the form ask which."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consultation_support import booking_form, make_advisor
from moments import working_day
from staff_support import as_event_team
from startsmart import clock
from startsmart.consultations.models import Consultation
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    PopulationClass,
)
from startsmart.municipalities.service import AmbiguousMunicipality, MunicipalityInput
from startsmart.registrations import service
from startsmart.registrations.models import Registration
from support import (
    counted_statements,
    csrf_token,
    directory_extract,
    make_date,
    registration_form,
    submit,
    text,
)


@pytest.fixture
def directory(app, tmp_path) -> dict[str, int]:
    """Heide, Stadt (Schleswig-Holstein) and the Neuenkirchens (four Länder) imported; the ids
    of Heide and of the Neuenkirchen in Schleswig-Holstein."""
    extract = directory_extract(tmp_path / "extract.csv", {"Heide, Stadt", "Neuenkirchen"})
    with app.app_context():
        import_directory(extract, clock.now())
        ids = dict(
            db.session.execute(
                sa.select(Municipality.ags, Municipality.id).where(
                    Municipality.ags.in_(["01051044", "01051075"])
                )
            ).all()
        )
    return {"heide": ids["01051044"], "neuenkirchen_sh": ids["01051075"]}


def _register(date_id: int, number: int, given: MunicipalityInput) -> Registration:
    outcome = service.register(
        date_id,
        service.Applicant(
            name=f"Person {number}",
            email=f"person{number}@kommune.de",
            function="",
            municipality=given,
        ),
        clock.now(),
    )
    return db.session.get_one(Registration, outcome.registration_id)


def _municipalities() -> int:
    return db.session.execute(sa.select(sa.func.count(Municipality.id))).scalar_one()


def test_a_chosen_entry_brings_its_land_kind_and_size_and_costs_no_statement_more(
    app, directory, smtp
):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        before = _municipalities()
        # Without the Land: the choice is enough.
        first = _register(
            date_id, 1, MunicipalityInput("Heide, Stadt", None, chosen_id=directory["heide"])
        )
        assert first.municipality_id == directory["heide"]
        # The combobox fills the Land, kind and size from the entry.
        given = MunicipalityInput(
            "Heide, Stadt",
            FederalState.SH,
            MunicipalityKind.CITY,
            PopulationClass.FROM_20K,
            chosen_id=directory["heide"],
        )
        with counted_statements() as chosen:
            second = _register(date_id, 2, given)
        assert second.municipality_id == directory["heide"]
        assert _municipalities() == before
        heide = db.session.get_one(Municipality, directory["heide"])
        assert heide.population_class is PopulationClass.FROM_20K
        # A name typed that the database knows costs as many statements as a choice.
        typed = MunicipalityInput("Heide, Stadt", FederalState.SH)
        with counted_statements() as by_name:
            _register(date_id, 3, typed)
        assert len(chosen) == len(by_name), "\n".join(chosen)


def test_a_choice_the_text_no_longer_names_is_not_taken(app, directory, smtp):
    """Somebody chose Heide and then typed another name (the script clears the choice; a
    stale or tampered id must not win either): the name typed counts."""
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        given = MunicipalityInput(
            "Neuort", FederalState.SH, MunicipalityKind.TOWN, chosen_id=directory["heide"]
        )
        registration = _register(date_id, 1, given)
        town = db.session.get_one(Municipality, registration.municipality_id)
        assert town.name == "Neuort" and town.verified_at is None and town.ars is None
        # A choice whose entry is gone from the directory: the name typed counts too.
        heide = db.session.get_one(Municipality, directory["heide"])
        heide.dissolved_at = clock.now()
        db.session.commit()
        with pytest.raises(DomainError) as refused:
            _register(date_id, 2, MunicipalityInput("Heide, Stadt", None, chosen_id=heide.id))
        db.session.rollback()
        assert refused.value.field == "state"


def test_a_name_typed_without_a_choice_finds_its_only_entry(app, directory, smtp):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        before = _municipalities()
        # Without the Land, in other letters: the only Heide.
        assert (
            _register(date_id, 1, MunicipalityInput("heide", None)).municipality_id
            == (directory["heide"])
        )
        # In its Land, as most people write it: the directory's "Heide, Stadt", not a new
        # "Heide".
        assert (
            _register(
                date_id, 2, MunicipalityInput("Heide", FederalState.SH, MunicipalityKind.CITY)
            ).municipality_id
            == directory["heide"]
        )
        # The only Neuenkirchen of its Land.
        assert (
            _register(
                date_id, 3, MunicipalityInput("Neuenkirchen", FederalState.SH)
            ).municipality_id
            == directory["neuenkirchen_sh"]
        )
        assert _municipalities() == before


def test_several_entries_of_one_name_make_the_service_ask_which_and_store_nothing(
    app, directory, smtp
):
    date_id = make_date(app, capacity=10, limit=5)
    with app.app_context():
        before = _municipalities()
        for state in (None, FederalState.NI):
            with pytest.raises(AmbiguousMunicipality) as asked:
                _register(date_id, 1, MunicipalityInput("Neuenkirchen", state))
            db.session.rollback()
            labels = [found.label for found in asked.value.candidates]
            assert all(label.startswith("Neuenkirchen") for label in labels)
            lands = {found.state for found in asked.value.candidates}
            assert lands == (
                {FederalState.NI}
                if state
                else {FederalState.SH, FederalState.NI, FederalState.NW, FederalState.MV}
            )
            assert asked.value.field == "municipality"
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0
        assert _municipalities() == before

        # The answer to the question: one of them …
        chosen = asked.value.candidates[-1]
        answered = _register(
            date_id, 1, MunicipalityInput("Neuenkirchen", None, chosen_id=chosen.id)
        )
        assert answered.municipality_id == chosen.id
        # … or none of them: a new one, with its Land and kind.
        with pytest.raises(DomainError) as refused:
            _register(date_id, 2, MunicipalityInput("Neuenkirchen", None, none_listed=True))
        db.session.rollback()
        assert refused.value.field == "state"
        new = _register(
            date_id,
            2,
            MunicipalityInput(
                "Neuenkirchen", FederalState.BY, MunicipalityKind.TOWN, none_listed=True
            ),
        )
        town = db.session.get_one(Municipality, new.municipality_id)
        assert (town.name, town.state, town.verified_at) == ("Neuenkirchen", FederalState.BY, None)


def test_the_limit_per_municipality_holds_for_a_directory_entry_chosen_or_typed(
    app, directory, smtp
):
    date_id = make_date(app, capacity=10, limit=1)
    with app.app_context():
        _register(date_id, 1, MunicipalityInput("Heide, Stadt", None, chosen_id=directory["heide"]))
        with pytest.raises(DomainError) as refused:
            _register(date_id, 2, MunicipalityInput("Heide", FederalState.SH))
        assert refused.value.field == "municipality"


# -- the form without JavaScript ------------------------------------------------------------


def test_without_javascript_the_form_asks_which_neuenkirchen_keeping_what_was_typed(
    app, client, directory, smtp
):
    date_id = make_date(app, capacity=10, limit=5)
    page = f"/angebote/termine/{date_id}/anmeldung"
    form = registration_form(
        municipality="Neuenkirchen",
        state="",
        municipality_kind="",
        csrf_token=csrf_token(client, page),
    )
    response = client.post(page, data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Welche Kommune meinen Sie?" in html
    assert "Es gibt mehrere Kommunen dieses Namens. Bitte wählen Sie, welche Sie meinen." in html
    radios = re.findall(
        r'<input type="radio" name="municipality_id" id="[^"]+" value="([^"]+)">', html
    )
    assert len(radios) >= 8 and radios[-1] == "neu"
    assert "Neuenkirchen (" in text(response) and "Keine davon – neue Kommune eintragen" in html
    assert 'value="Kim Kommune"' in html and 'value="kim@flensburg.de"' in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar_one() == 0

    # The radio button of the one in Schleswig-Holstein, and the registration is made.
    response = client.post(
        page, data={**form, "municipality_id": str(directory["neuenkirchen_sh"])}
    )
    assert response.status_code == 302
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.municipality_id == directory["neuenkirchen_sh"]


def test_the_form_weighs_the_same_with_5_or_500_known_municipalities(app, client):
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"

    def add(count: int, start: int) -> None:
        with app.app_context():
            db.session.add_all(
                Municipality(
                    name=f"Gemeinde {number:04d}",
                    kind=MunicipalityKind.TOWN,
                    state=FederalState.BY,
                    verified_at=clock.now(),
                )
                for number in range(start, start + count)
            )
            db.session.commit()

    add(5, 0)
    small = client.get(page)
    add(495, 5)
    large = client.get(page)
    assert small.status_code == large.status_code == 200
    assert len(large.data) == len(small.data)
    assert b"Gemeinde 0001" not in large.data


# -- the other forms with a Kommune -----------------------------------------------------------


def test_staff_and_the_consultation_form_take_a_choice_without_a_land(app, client, directory, smtp):
    heide = str(directory["heide"])
    choice = {"municipality": "Heide, Stadt", "municipality_id": heide, "state": ""}
    make_advisor(app, "wera@kts.example", name="Wera Beraterin")
    start = working_day()
    booking_page = f"/initialberatung/buchen?start={start.isoformat()}"
    response = submit(client, booking_page, booking_form(start, municipality_kind="", **choice))
    assert response.status_code == 302, text(response)

    date_id = make_date(app)
    as_event_team(app, client)
    form = {"locale": "de", **registration_form(municipality_kind="", **choice)}
    form.pop("privacy")
    response = submit(client, f"/staff/termine/{date_id}/anmeldungen/neu", form)
    assert response.status_code == 302, text(response)
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        consultation = db.session.execute(sa.select(Consultation)).scalar_one()
        assert registration.municipality_id == consultation.municipality_id == int(heide)
        assert _municipalities() == len(directory_rows())


def directory_rows() -> list[int]:
    return list(
        db.session.execute(
            sa.select(Municipality.id).where(Municipality.ars.is_not(None))
        ).scalars()
    )
