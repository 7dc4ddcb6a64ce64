"""A date's note, written by staff in German and optionally in English side by side: the
catalogue row and the registration page show it in the page's language, an English page marks
a German-only note as German."""

from __future__ import annotations

import sqlalchemy as sa

from catalogue_support import date_form
from staff_support import as_event_team, make_offering, the_date
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from support import make_date, submit, text

CAMERA = "Bitte halten Sie eine Kamera bereit."
IN_ENGLISH = "This date is held in English."


def details_form(**overrides) -> dict:
    return {
        "deadline_day": "",
        "deadline_time": "",
        "per_municipality_limit": "",
        "status": "published",
        **overrides,
    }


def set_note(app, date_id: int, note: str, note_en: str = "") -> None:
    with app.app_context():
        event_date = db.session.get_one(EventDate, date_id)
        event_date.note, event_date.note_en = note, note_en
        db.session.commit()


def test_staff_write_a_note_in_both_languages_side_by_side(app, client):
    as_event_team(app, client)
    offering_id = make_offering(app)
    new = f"/staff/angebote/{offering_id}/termine/neu"
    assert 'class="bilingual"' in text(client.get(new))
    response = submit(client, new, date_form(note=f"  {CAMERA}\r\n", note_en=f" {IN_ENGLISH}  "))
    assert response.status_code == 302, text(response)
    with app.app_context():
        event_date = db.session.execute(sa.select(EventDate)).scalar_one()
        assert (event_date.note, event_date.note_en) == (CAMERA, IN_ENGLISH)
        date_id = event_date.id

    details = f"/staff/termine/{date_id}/angaben"
    page = text(client.get(details))
    assert 'class="bilingual"' in page and CAMERA in page and IN_ENGLISH in page
    response = submit(client, details, details_form(note="Bitte mit Ton.", note_en=""))
    assert response.status_code == 302, text(response)
    changed = the_date(app, date_id)
    assert (changed.note, changed.note_en) == ("Bitte mit Ton.", "")
    assert "Bitte mit Ton." in text(client.get(f"/staff/termine/{date_id}"))

    response = submit(client, details, details_form(note="", note_en=""))
    assert response.status_code == 302, text(response)
    assert the_date(app, date_id).note == ""


def test_an_english_note_needs_its_german_one(app, client):
    as_event_team(app, client)
    date_id = make_date(app)
    response = submit(client, f"/staff/termine/{date_id}/angaben", details_form(note_en=IN_ENGLISH))
    page = text(response)
    assert response.status_code == 200
    assert "Bitte schreiben Sie den Hinweis auch auf Deutsch." in page
    assert IN_ENGLISH in page  # what was typed stays
    assert the_date(app, date_id).note_en == ""


def test_the_german_page_shows_the_german_note_the_english_page_the_english_one(app, client):
    date_id = make_date(app)
    set_note(app, date_id, CAMERA, IN_ENGLISH)
    register = f"/angebote/termine/{date_id}/anmeldung"
    for page in (text(client.get("/angebote/")), text(client.get(register))):
        assert f"<span>{CAMERA}</span>" in page and IN_ENGLISH not in page
    client.get("/sprache/en")
    for page in (text(client.get("/angebote/")), text(client.get(register))):
        assert f"<span>{IN_ENGLISH}</span>" in page and CAMERA not in page


def test_an_english_page_marks_a_german_only_note_as_german(app, client):
    date_id = make_date(app)
    set_note(app, date_id, CAMERA)
    client.get("/sprache/en")
    for url in ("/angebote/", f"/angebote/termine/{date_id}/anmeldung"):
        assert f'<span lang="de">{CAMERA}</span>' in text(client.get(url)), url


def test_a_date_without_a_note_shows_none(app, client):
    date_id = make_date(app)
    for url in ("/angebote/", f"/angebote/termine/{date_id}/anmeldung"):
        assert "Hinweis:" not in text(client.get(url)), url
