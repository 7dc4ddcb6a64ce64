"""Downloading a date's registrations as CSV that German Excel opens correctly."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from staff_support import as_event_team, register_person
from startsmart.catalog.models import EventDate
from startsmart.clock import berlin_local_to_utc
from startsmart.extensions import db
from startsmart.registrations.models import Registration
from support import make_date


def move_to(app, date_id: int, starts_at: datetime) -> None:
    with app.app_context():
        event_date = db.session.get(EventDate, date_id)
        event_date.starts_at, event_date.ends_at = starts_at, starts_at + timedelta(hours=1)
        event_date.registration_closes_at = None
        db.session.commit()


def test_csv_for_excel_with_formulas_neutralised(app, client):
    as_event_team(app, client)
    date_id = make_date(app, capacity=1, slug="themen-input-monitoring")
    register_person(
        app,
        date_id,
        1,
        name='=HYPERLINK("http://evil.example";"Klick")',
        municipality="Lübeck; Hansestadt",
        model_project=True,
    )
    register_person(app, date_id, 2, name='Zoë "Zo" Ähnlich', municipality="@Ort")
    with app.app_context():
        first = db.session.execute(sa.select(Registration).order_by(Registration.id)).scalar()
        first.created_at = datetime(2026, 7, 1, 8, 5, tzinfo=UTC)  # 10:05 in Berlin (summer)
        db.session.commit()
    move_to(app, date_id, berlin_local_to_utc(datetime(2099, 3, 5).date(), datetime.min.time()))

    response = client.get(f"/staff/termine/{date_id}/anmeldungen.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="anmeldungen-themen-input-monitoring-2099-03-05.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == 3 and "\n" not in text.replace("\r\n", "")
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header[:4] == ["Name", "E-Mail-Adresse", "Kommune", "Modellprojekt (MPSC)"]
    assert header[6:9] == ["Status", "Wartelistenplatz", "Angemeldet am"]
    assert rows[0][0] == '\'=HYPERLINK("http://evil.example";"Klick")'
    assert rows[0][2:4] == ["Lübeck; Hansestadt", "ja"]
    assert rows[0][6:9] == ["bestätigt", "", "01.07.2026 10:05"]
    assert rows[1][0] == 'Zoë "Zo" Ähnlich' and rows[1][2] == "'@Ort"
    assert rows[1][6:8] == ["Warteliste", "1"]
    assert '"Lübeck; Hansestadt"' in text  # quoted because of the separator


def test_the_status_filter_applies_to_the_export(app, client):
    as_event_team(app, client)
    date_id = make_date(app, capacity=1)
    register_person(app, date_id, 1)
    register_person(app, date_id, 2)
    response = client.get(f"/staff/termine/{date_id}/anmeldungen.csv?status=waitlisted")
    lines = response.data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 3 and "Person 2" in lines[1] and lines[2] == ""


def test_exchange_questions_are_exported(app, client):
    as_event_team(app, client)
    date_id = make_date(app, fmt="moderated_exchange")
    register_person(app, date_id, 1, question="-Wie starten?\nMit Daten.")
    text = client.get(f"/staff/termine/{date_id}/anmeldungen.csv").data.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header[-1] == "Frage" and row[-1] == "'-Wie starten?\nMit Daten."
