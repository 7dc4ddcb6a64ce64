"""The directory search behind the forms' Kommune field: what people type finds the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities import directory_search
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.folding import core_key, fold
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind

with SHIPPED_EXTRACT.open(encoding="utf-8-sig") as _file:
    HEADER = _file.readline()

# A few real lines of the extract: two Heides apart, a Landkreis, a "…kreis" district, Sankt,
# umlauts, the same name in two Länder.
EXTRACT = """\
40,43,01,0,51,,,Dithmarschen,,,,,,,,,,,,
60,63,01,0,51,0044,044,"Heide, Stadt", 31.97, 21 852,,,,25746,"9,09452","54,19535",,,02,
50,51,01,0,51,5163,,Burg-St. Michaelisdonn,,,,,,,,,,,,
60,64,01,0,51,5163,097,Sankt Michaelisdonn, 23.06, 3 399,,,,25693,"9,12","53,99",,,03,
40,41,05,5,15,,,"Münster, Stadt",,,,,,,,,,,,
60,61,05,5,15,0000,000,"Münster, Stadt", 303.28, 315 293,,,,48143,"7,62","51,96",,,01,
40,44,03,3,58,,,Heidekreis,,,,,,,,,,,,
60,63,03,3,58,0023,023,"Munster, Stadt", 193.43, 15 039,,,,29633,"10,09","52,98",,,03,
60,64,03,3,58,0024,024,Neuenkirchen, 66.07, 5 574,,,,29643,"9,70","53,04",,,03,
40,44,03,4,59,,,Osnabrück,,,,,,,,,,,,
60,64,03,4,59,0029,029,Neuenkirchen, 65.54, 1 745,,,,49586,"8,00","52,41",,,03,
40,44,09,1,87,,,Rosenheim,,,,,,,,,,,,
60,64,09,1,87,0117,117,Heidenheim, 10.00, 2 100,,,,83000,"12,1","47,8",,,03,
"""


@pytest.fixture
def directory(app, tmp_path: Path):
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + EXTRACT, encoding="utf-8")
    with app.app_context():
        import_directory(path, clock.now())
    return app


def _labels(found: list[directory_search.Found]) -> list[str]:
    return [municipality.label for municipality in found]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("muenster", "Münster, Stadt"),
        ("MÜNSTER", "Münster"),
        ("strasse", "Straße"),
        ("sankt ingbert", "St. Ingbert, Stadt"),
        ("st ingbert", "Sankt Ingbert"),
        ("heide land", "Heide-Land"),
        ("lodz", "Łódź"),
    ],
)
def test_spellings_people_use_fold_alike(typed: str, stored: str) -> None:
    assert fold(stored).startswith(fold(typed))


def test_places_that_only_look_alike_stay_apart() -> None:
    assert fold("Munster") != fold("Münster")
    assert fold("Neunkirchen") != fold("Neuenkirchen")
    assert core_key("Heide, Stadt") == core_key("heide") == "heide"
    assert core_key("Cottbus/Chóśebuz, Stadt") == "cottbus"


def test_typing_heide_offers_the_town_first_with_its_district_and_land(directory) -> None:
    with directory.test_request_context():
        found = directory_search.find("heide")
        assert _labels(found)[0] == "Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein)"
        # A name that only begins so comes after the whole name, and a district is offered
        # as people write it.
        assert _labels(found)[1:] == [
            "Heidenheim (Landkreis Rosenheim, Bayern)",
            "Heidekreis (Niedersachsen)",
        ]
        heide = found[0]
        assert heide.state is FederalState.SH and heide.kind is MunicipalityKind.CITY
        assert heide.as_json()["population_class"] == "20k_100k"
        assert _labels(directory_search.find("landkreis rosen")) == ["Landkreis Rosenheim (Bayern)"]
        # "St." and "Sankt" alike, at the start and inside (the Amt around the town).
        assert _labels(directory_search.find("sankt mich")) == [
            "Sankt Michaelisdonn (Kreis Dithmarschen, Schleswig-Holstein)",
            "Burg-St. Michaelisdonn (Kreis Dithmarschen, Schleswig-Holstein)",
        ]
        assert directory_search.find("h") == []
        assert _labels(directory_search.find("neuenkirchen", FederalState.NI))[0].startswith(
            "Neuenkirchen (Heidekreis"
        )


def test_the_same_name_finds_every_place_of_that_name_and_only_those(directory) -> None:
    with directory.test_request_context():
        assert _labels(directory_search.same_name("Heide")) == [
            "Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein)"
        ]
        assert len(directory_search.same_name("neuenkirchen")) == 2
        assert len(directory_search.same_name("Neuenkirchen", FederalState.SH)) == 0
        assert _labels(directory_search.same_name("Kreis Dithmarschen")) == [
            "Kreis Dithmarschen (Schleswig-Holstein)"
        ]
        assert _labels(directory_search.same_name("Dithmarschen")) == [
            "Kreis Dithmarschen (Schleswig-Holstein)"
        ]


def test_unverified_and_merged_places_are_not_offered(directory, travel) -> None:
    with directory.test_request_context():
        invented = Municipality(name="Heidedorf", kind=MunicipalityKind.TOWN, state=FederalState.SH)
        db.session.add(invented)
        db.session.flush()
        invented.verified_at = None  # as an anonymous form leaves it (service.adopt_municipality)
        heide = db.session.get(Municipality, directory_search.find("heide")[0].id)
        assert heide is not None
        heide.dissolved_at = clock.now()
        db.session.commit()
        assert "Heidedorf" not in str(_labels(directory_search.find("heide")))
        assert directory_search.same_name("Heide") == []
        assert directory_search.chosen(heide.id) is None


def test_the_search_answers_json_in_the_pages_language(directory, client) -> None:
    answer = client.get("/kommunen/suche?q=muenster")
    assert answer.status_code == 200
    first = answer.json["results"][0]
    assert first["label"] == "Münster, Stadt (Nordrhein-Westfalen)"
    assert (first["state"], first["kind"], first["kind_label"]) == (
        "NW",
        "independent_city",
        "Kreisfreie Stadt",
    )
    client.get("/sprache/en")
    english = client.get("/kommunen/suche?q=muenster&land=NW").json["results"][0]
    assert english["state_label"] == "North Rhine-Westphalia"
    assert client.get("/kommunen/suche?q=muenster&land=SH").json == {"results": []}
    assert client.get("/kommunen/suche?q=muenster&land=XX").json["results"]
    assert client.get("/kommunen/suche").json == {"results": []}
