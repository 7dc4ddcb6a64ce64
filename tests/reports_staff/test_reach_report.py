"""The reach report against a world where every figure is known by construction
(reach_world.py), on SQLite and PostgreSQL: the figures, the filters, the lists behind the
numbers, CSV and XLSX, who may open it, and its constant number of queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from reach_world import PERIOD, World, build, more_activity
from startsmart.catalog.models import OfferingFormat
from startsmart.municipalities.models import FederalState
from startsmart.reports import service
from startsmart.staff.models import Role
from support import counted_statements, login, make_staff, text

YEAR = service.Filters(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def world(app) -> World:
    return build(app)


def figures(table) -> dict[str, tuple]:
    return {row.key: (row.count, row.part, row.whole) for row in table.rows}


def as_team(app, client) -> None:
    make_staff(app, "team@kts.example", Role.EVENT_TEAM, name="Eva Event")
    login(client, "team@kts.example")


def test_every_figure_of_the_year(app, world):
    with app.test_request_context():
        report = service.report(YEAR, _now())
    # Reached: Aheim (returning), Bstadt, Dorf D, the district, Neuhausen; Gemeinden among them
    # Aheim, Bstadt, Dorf D, of five Gemeinden (the dissolved one and the district are none).
    assert figures(report.overview) == {
        "reached": (5, 3, 5),
        "first": (4, None, None),
        "returning": (1, None, None),
    }
    assert figures(report.by_state) == {"state:BY": (3, 2, 3), "state:SH": (2, 1, 2)}
    assert figures(report.by_class) == {
        "class:under_5k": (1, 1, 2),
        "class:5k_20k": (1, 1, 1),
        "class:20k_100k": (1, 1, 1),
        "class:100k_500k": (0, 0, 1),
        "class:": (2, 0, 0),
    }
    assert figures(report.by_urbanisation) == {
        "urbanisation:01": (0, 0, 1),
        "urbanisation:02": (1, 1, 1),
        "urbanisation:03": (2, 2, 3),
        "urbanisation:": (2, 0, 0),
    }
    assert figures(report.by_funding) == {"funding:yes": (1, 1, 1), "funding:no": (4, 2, 4)}
    # Dates of 2026 not cancelled: six seats, four attended, one no-show (rate 4 of 5),
    # one unmarked, one promoted, one left waiting.
    assert figures(report.registrations) == {
        "seats": (6, None, None),
        "attended": (4, 4, 5),
        "no_show": (1, None, None),
        "unmarked": (1, None, None),
        "promoted": (1, None, None),
        "waitlisted": (1, None, None),
    }
    assert report.registrations.rows[1].share == pytest.approx(0.8)
    assert report.consultations is not None
    assert figures(report.consultations) == {
        "booked": (2, None, None),
        "held": (2, None, None),
        "cancelled": (1, None, None),
    }
    # Aheim and Bstadt came to the 2026 introduction (Cdorf did not show up): Bstadt went on
    # to a consultation, Aheim to an exchange.
    assert figures(report.path) == {
        "path:intro": (2, 2, 2),
        "path:consultation": (1, 1, 2),
        "path:exchange": (1, 1, 2),
        "path:either": (2, 2, 2),
    }
    data, participation = world.ids["topic:data"], world.ids["topic:participation"]
    assert [(r.label, r.count, r.extra, r.key) for r in report.topics.rows] == [
        ("Beteiligung", 2, 2, f"topic:{participation}"),
        ("Datenstrategie", 2, 3, f"topic:{data}"),
    ]
    # No survey answers in this world: the satisfaction table is empty.
    assert report.satisfaction is not None and report.satisfaction.rows == ()


def test_the_filters_narrow_every_figure(app, world):
    with app.test_request_context():
        intro = service.report(
            service.Filters(YEAR.first, YEAR.last, OfferingFormat.ONLINE_INTRO), _now()
        )
        north = service.report(
            service.Filters(YEAR.first, YEAR.last, state=FederalState.SH), _now()
        )
        march = service.report(service.Filters(date(2026, 3, 1), date(2026, 3, 31)), _now())
    # Introductions only: Aheim (also in 2025, so returning) and Bstadt; no consultations.
    assert figures(intro.overview)["reached"] == (2, 2, 5)
    assert figures(intro.overview)["returning"][0] == 1
    assert intro.consultations is None
    assert figures(intro.registrations)["seats"][0] == 3
    # Schleswig-Holstein: Dorf D and Neuhausen of its two Gemeinden (Dorf D, Estadt).
    assert figures(north.overview)["reached"] == (2, 1, 2)
    assert list(figures(north.by_state)) == ["state:SH"]
    assert figures(north.registrations)["seats"][0] == 1
    assert figures(north.registrations)["waitlisted"][0] == 1
    assert figures(north.consultations)["booked"][0] == 1
    assert figures(north.path)["path:intro"][0] == 0
    # March: the introduction of 10 March alone.
    assert figures(march.overview)["reached"][0] == 2
    assert figures(march.registrations)["no_show"][0] == 1


def test_the_page_shows_the_figures_and_links_each_to_its_list(app, client, world):
    as_team(app, client)
    response = client.get("/staff/bericht/", query_string=PERIOD)
    assert response.status_code == 200
    page = text(response)
    assert "Reichweitenbericht" in page
    assert "Statistisches Bundesamt (Destatis)" in page and "dl-de/by-2-0" in page
    assert "60,0 %" in page  # three of five Gemeinden
    assert "Noch keine Rückmeldungen" in page
    assert "/staff/bericht/kommunen?auswahl=first&amp;von=2026-01-01&amp;bis=2026-12-31" in page

    first = text(client.get("/staff/bericht/kommunen", query_string={**PERIOD, "auswahl": "first"}))
    for name in ("Bstadt", "Dorf D", "Landkreis X", "Neuhausen"):
        assert name in first
    assert "Aheim" not in first
    assert f"/staff/kommunen/{world.ids['m:bstadt']}" in first

    no_show = text(
        client.get("/staff/bericht/anmeldungen", query_string={**PERIOD, "auswahl": "no_show"})
    )
    assert "Cdorf" in no_show and "Aheim" not in no_show
    assert f"/anmeldungen/{world.ids['r:c_no_show']}" in no_show

    topic = text(
        client.get(
            "/staff/bericht/kommunen",
            query_string={**PERIOD, "auswahl": f"topic:{world.ids['topic:data']}"},
        )
    )
    assert "Aheim" in topic and "Bstadt" in topic and "Dorf D" not in topic

    path = text(
        client.get(
            "/staff/bericht/kommunen", query_string={**PERIOD, "auswahl": "path:consultation"}
        )
    )
    assert "Bstadt" in path and "Aheim" not in path

    cancelled = text(
        client.get("/staff/bericht/beratungen", query_string={**PERIOD, "auswahl": "cancelled"})
    )
    assert "Cdorf" in cancelled
    assert f"/staff/beratungen/{world.ids['c:c_cancelled']}" in cancelled


def test_an_empty_site_shows_empty_figures(app, client):
    as_team(app, client)
    response = client.get("/staff/bericht/")
    assert response.status_code == 200
    assert "Keine Einträge in diesem Zeitraum." in text(response)


def test_bad_filters_are_named_at_their_field_and_kept(app, client):
    as_team(app, client)
    response = client.get(
        "/staff/bericht/", query_string={"von": "2026-05-01", "bis": "2026-04-01", "land": "XX"}
    )
    assert response.status_code == 422
    page = text(response)
    assert "Das Ende des Zeitraums liegt vor seinem Anfang." in page
    assert "Bitte wählen Sie einen Eintrag aus der Liste." in page
    assert 'value="2026-05-01"' in page
    response = client.get("/staff/bericht/", query_string={"von": "31.02.2026"})
    assert response.status_code == 422
    assert "gültiges Datum" in text(response)
    only_start = text(client.get("/staff/bericht/", query_string={"von": "2026-03-01"}))
    assert "Zeitraum 01.03.2026 bis 31.12.2026" in only_start
    unknown = client.get("/staff/bericht/kommunen", query_string={"auswahl": "nichts"})
    assert unknown.status_code == 404
    assert client.get("/staff/bericht/nichts.csv").status_code == 404


def test_csv_opens_in_german_excel_and_xlsx_loads_with_the_same_numbers(app, client, world):
    as_team(app, client)
    response = client.get("/staff/bericht/laender.csv", query_string=PERIOD)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Zeile;Anzahl;davon Gemeinden des Verzeichnisses;Gemeinden im Verzeichnis;Anteil (%)"
    )
    assert lines[1] == "Bayern;3;2;3;66,7"
    assert lines[2] == "Schleswig-Holstein;2;1;2;50,0"
    assert any("Statistisches Bundesamt (Destatis)" in line for line in lines)

    response = client.get("/staff/bericht/laender.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1] == ["Bayern", 3, 2, 3, 66.7]
    assert values[2] == ["Schleswig-Holstein", 2, 1, 2, 50.0]
    assert any("Destatis" in str(row[0]) for row in values[3:] if row and row[0])

    topics = client.get("/staff/bericht/themen.xlsx", query_string=PERIOD)
    sheet = load_workbook(io.BytesIO(topics.get_data())).active
    assert list(next(sheet.iter_rows(min_row=2, values_only=True))) == ["Beteiligung", 2, 2]


def test_a_municipality_named_like_a_formula_stays_text(app, client, world):
    from startsmart.catalog.models import Topic
    from startsmart.extensions import db

    with app.app_context():
        db.session.get(Topic, world.ids["topic:data"]).name = "=HYPERLINK(1)"
        db.session.commit()
    as_team(app, client)
    csv = client.get("/staff/bericht/themen.csv", query_string=PERIOD).get_data().decode()
    assert "'=HYPERLINK(1)" in csv
    sheet = load_workbook(
        io.BytesIO(client.get("/staff/bericht/themen.xlsx", query_string=PERIOD).get_data())
    ).active
    assert "'=HYPERLINK(1)" in [row[0] for row in sheet.iter_rows(values_only=True)]


def test_only_the_event_team_and_admins_open_the_report(app, client):
    assert client.get("/staff/bericht/").status_code == 302
    make_staff(app, "berater@kts.example", Role.ADVISOR)
    login(client, "berater@kts.example")
    for path in ("/staff/bericht/", "/staff/bericht/kommunen?auswahl=reached",
                 "/staff/bericht/laender.csv"):  # fmt: skip
        assert client.get(path).status_code == 403
    admin = app.test_client()
    make_staff(app, "admin@kts.example", Role.ADMIN, name="Ada Admin")
    login(admin, "admin@kts.example")
    assert admin.get("/staff/bericht/").status_code == 200


def test_the_report_costs_the_same_queries_with_more_data(app, world):
    with app.test_request_context():
        with counted_statements() as few:
            service.report(YEAR, _now())
    more_activity(app, 30)
    with app.test_request_context():
        with counted_statements() as many:
            report = service.report(YEAR, _now())
    assert figures(report.overview)["reached"][0] == 35
    assert len(few) == len(many) == 8, many


def _now():
    from startsmart import clock

    return clock.now()
