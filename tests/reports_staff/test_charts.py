"""The reach report's charts, map and satisfaction in the known world (tests/reach_world.py):
valid SVG with a text alternative, the right bars, the right dots, ratings only from 3 answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
import sqlalchemy as sa

from reach_world import PERIOD, World, at, build
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.feedback.models import (
    EVENT_DATE,
    FeedbackQuestion,
    FeedbackRating,
    FeedbackResponse,
)
from startsmart.municipalities.models import FederalState, Municipality
from startsmart.reports import charts, germany_map, reach_map, service
from startsmart.staff.models import Role
from support import login, make_staff, text

SVG = "{http://www.w3.org/2000/svg}"
YEAR = service.Filters(date(2026, 1, 1), date(2026, 12, 31))

# Coordinates for the world's places: the five Gemeinden are grey dots; the dissolved one is not
# (it is no Gemeinde of the directory any more); the district is reached, so a coloured dot.
PLACES = {
    "aheim": (48.1, 11.6),
    "bstadt": (49.4, 11.1),
    "cdorf": (47.9, 12.5),
    "dorf_d": (54.3, 10.1),
    "estadt": (53.9, 10.7),
    "dissolved": (48.5, 10.9),
    "district": (49.0, 12.1),
}


@pytest.fixture
def world(app) -> World:
    found = build(app)
    with app.app_context():
        for key, (lat, lon) in PLACES.items():
            place = db.session.get(Municipality, found.ids[f"m:{key}"])
            place.latitude, place.longitude = lat, lon
        db.session.commit()
    return found


def _answers(app, starts, values_per_answer):
    with app.app_context():
        question = db.session.scalar(sa.select(FeedbackQuestion).where(FeedbackQuestion.key == "t"))
        if question is None:
            question = FeedbackQuestion(
                key="t", text_de="Wie hilfreich war es?", text_en="How useful?"
            )
            db.session.add(question)
            db.session.flush()
        date_id = db.session.scalar(sa.select(EventDate.id).where(EventDate.starts_at == starts))
        for value in values_per_answer:
            response = FeedbackResponse(
                subject_kind=EVENT_DATE, subject_id=date_id, answered_on=starts.date()
            )
            response.ratings.append(FeedbackRating(question_id=question.id, value=value))
            db.session.add(response)
        db.session.commit()


def _svg(markup) -> ET.Element:
    root = ET.fromstring(str(markup))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    labelled = root.get("aria-labelledby").split()
    assert labelled == [title.get("id"), desc.get("id")]
    # Nothing the page's Content-Security-Policy would block, nothing from elsewhere.
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter(f"{SVG}style"))
    assert all("style" not in el.attrib for el in root.iter())
    assert "http" not in str(markup).replace("http://www.w3.org/2000/svg", "")
    return root


def _bars(root) -> list[float]:
    return [
        float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.BAR_COLOUR
    ]


def test_a_chart_per_figure_with_its_bars_and_words(app, world):
    with app.test_request_context():
        report = service.report(YEAR, at(12, 31))
        drawn = charts.for_report(report, "de")
    states = _svg(drawn["laender"])
    assert states.find(f"{SVG}title").text == "Nach Land"
    desc = states.find(f"{SVG}desc").text
    assert "Bayern: 3 (2 von 3, 66,7 %)." in desc
    assert "Schleswig-Holstein: 2 (1 von 2, 50,0 %)." in desc
    bars = _bars(states)
    assert len(bars) == 2 and bars[0] == pytest.approx(bars[1] * 2 / 3)  # SH drawn first
    overview = _svg(drawn["kommunen"])
    assert len(_bars(overview)) == 3
    assert "Kommunen erreicht: 5 (3 von 5, 60,0 %)." in overview.find(f"{SVG}desc").text
    for name in ("groessenklassen", "verstaedterung", "foerderung", "anmeldungen", "weg"):
        _svg(drawn[name])
    assert drawn["zufriedenheit"] == ""  # no answers, no chart


def test_the_map_draws_every_gemeinde_grey_and_the_reached_coloured(app, world):
    with app.test_request_context():
        report = service.report(YEAR, at(12, 31))
        root = _svg(reach_map.draw(report))
    paths = {p.get("class"): p.get("d") for p in root.iter(f"{SVG}path")}
    assert paths["map-base"].count("h0") == 5
    assert paths["map-reached"].count("h0") == 4  # Aheim, Bstadt, Dorf D, the district
    desc = root.find(f"{SVG}desc").text
    assert "5 Punkte für die Gemeinden, 4 größere farbige Punkte" in desc
    assert "Bayern: 3 erreicht, 2 von 3 Gemeinden" in desc
    with app.test_request_context():
        only_sh = service.Filters(YEAR.first, YEAR.last, state=FederalState.SH)
        report = service.report(only_sh, at(12, 31))
        root = _svg(reach_map.draw(report))
    paths = {p.get("class"): p.get("d") for p in root.iter(f"{SVG}path")}
    assert paths["map-base"].count("h0") == 5 and paths["map-reached"].count("h0") == 1


def test_the_kept_grey_layer_is_the_one_drawn_fresh_until_the_directory_changes(app, world):
    with app.test_request_context():
        assert reach_map.base_layer() == reach_map.fresh_base_layer()
        assert reach_map.base_layer() == reach_map.fresh_base_layer()  # now from the kept one
        place = db.session.get(Municipality, world.ids["m:cdorf"])
        place.latitude = 50.5
        db.session.commit()
        assert reach_map.base_layer() == reach_map.fresh_base_layer()
        assert "M" in reach_map.base_layer().path


def test_a_full_directory_makes_a_small_map():
    # 11,000 points spread over Germany's frame: one pixel grid, well under 300 KB.
    points = [(47.3 + (i % 100) * 0.078, 5.9 + (i // 100) * 0.084) for i in range(11_000)]
    base = germany_map.layer(points)
    drawn = germany_map.draw(base, germany_map.layer(points[:500]), "Karte", "Text", ("a", "b"))
    assert len(str(drawn).encode()) < 300_000
    ET.fromstring(str(drawn))


def test_satisfaction_from_three_answers_and_none_below(app, client, world):
    _answers(app, at(3, 10), [5, 4])
    with app.test_request_context():
        report = service.report(YEAR, at(12, 31))
    assert report.satisfaction is not None and report.satisfaction.rows == ()
    assert report.answers == 2
    make_staff(app, "team@kts.example", Role.EVENT_TEAM, name="Eva Event")
    login(client, "team@kts.example")
    page = text(client.get("/staff/bericht/", query_string=PERIOD))
    assert "Weniger als 3 Antworten im Zeitraum" in page

    _answers(app, at(3, 10), [4])
    _answers(app, at(2, 10, 2027), [1, 1, 1])  # after the period: not counted
    with app.test_request_context():
        report = service.report(YEAR, at(12, 31))
        drawn = charts.for_report(report, "de")
    assert report.answers == 3
    assert [(r.label, r.count, r.mean) for r in report.satisfaction.rows] == [
        ("Wie hilfreich war es?", 3, pytest.approx(4.33))
    ]
    root = _svg(drawn["zufriedenheit"])
    assert "Wie hilfreich war es?: Mittelwert 4,3 aus 3 Antworten." in root.find(f"{SVG}desc").text
    assert len(_bars(root)) == 1
    page = text(client.get("/staff/bericht/", query_string=PERIOD))
    assert "Mittelwert (1 bis 5)" in page and "4,3" in page
    with app.test_request_context():
        only_by = service.Filters(YEAR.first, YEAR.last, state=FederalState.BY)
        assert service.report(only_by, at(12, 31)).satisfaction is None
    csv = client.get("/staff/bericht/zufriedenheit.csv", query_string=PERIOD)
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "Zeile;Anzahl;Mittelwert (1 bis 5)"
    assert lines[1] == "Wie hilfreich war es?;3;4,3"


def test_the_page_shows_each_chart_beside_its_table_and_the_map(app, client, world):
    make_staff(app, "team@kts.example", Role.EVENT_TEAM, name="Eva Event")
    login(client, "team@kts.example")
    page = client.get("/staff/bericht/", query_string=PERIOD).get_data(as_text=True)
    for name in ("kommunen", "laender", "groessenklassen", "anmeldungen", "beratungen", "weg"):
        assert f'id="{name}-chart"' in page
    assert 'id="karte"' in page and page.count("<svg") == 10  # nine charts and the map
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]
