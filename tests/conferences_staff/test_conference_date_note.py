"""The note of a conference's date, written by staff where they edit the conference: German and
English side by side (the date form's fields and rule), shown on the conference's page, its
registration and manage pages, and carried by the mails and the invitation like any date's."""

from __future__ import annotations

from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa

from startsmart.catalog.models import EventDate
from startsmart.clock import berlin_wall_time
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from support import csrf_token, links_in, path_of, registration_form, submit, text

NEW = "/staff/regionalkonferenzen/neu"
ID_CARD = "Bitte bringen Sie Ihren Personalausweis mit."
IN_ENGLISH = "Please bring your identity card."


def _conference(app) -> tuple[Conference, EventDate]:
    with app.app_context():
        conference = db.session.execute(sa.select(Conference)).scalar_one()
        event_date = db.session.execute(sa.select(EventDate)).scalar_one()
        db.session.expunge_all()
        return conference, event_date


def _edit_form(team, conference_id: int, **changes) -> dict:
    """What staff send from the edit form of the conference, with ``changes``."""
    assert team.get(f"/staff/regionalkonferenzen/{conference_id}/bearbeiten").status_code == 200
    conference, _date = _conference(team.application)
    day, starts = berlin_wall_time(conference.starts_at)
    return {
        "title": conference.title,
        "day": day.isoformat(),
        "starts": starts.strftime("%H:%M"),
        "ends": berlin_wall_time(conference.ends_at)[1].strftime("%H:%M"),
        "city": conference.city,
        "venue": conference.venue,
        "description": conference.description,
        "capacity": "80",
        "deadline_day": "",
        "deadline_time": "",
        **changes,
    }


def test_staff_write_the_note_in_both_languages_side_by_side(app, team, conference_form):
    form = text(team.get(NEW))
    assert 'name="note"' in form and 'name="note_en"' in form
    assert form.count('class="bilingual"') >= 3  # title, programme and note
    response = submit(
        team, NEW, conference_form(note=f"  {ID_CARD}\r\n", note_en=f" {IN_ENGLISH} ")
    )
    assert response.status_code == 302, text(response)
    conference, event_date = _conference(app)
    assert (event_date.note, event_date.note_en) == (ID_CARD, IN_ENGLISH)

    edit = f"/staff/regionalkonferenzen/{conference.id}/bearbeiten"
    page = text(team.get(edit))
    assert ID_CARD in page and IN_ENGLISH in page  # the form shows what is stored
    detail = text(team.get(f"/staff/regionalkonferenzen/{conference.id}"))
    assert f'<span lang="de">{ID_CARD}</span> · <span lang="en">{IN_ENGLISH}</span>' in detail

    response = submit(team, edit, _edit_form(team, conference.id, note="Einlass ab 8:30 Uhr."))
    assert response.status_code == 302, text(response)
    assert (_conference(app)[1].note, _conference(app)[1].note_en) == ("Einlass ab 8:30 Uhr.", "")

    response = submit(team, edit, _edit_form(team, conference.id, note="", note_en=""))
    assert response.status_code == 302, text(response)
    assert _conference(app)[1].note == ""
    assert "Hinweis:" not in text(team.get(f"/regionalkonferenzen/{conference.slug}"))


def test_an_english_note_needs_its_german_one(app, team, conference_form):
    response = submit(team, NEW, conference_form(note_en=IN_ENGLISH))
    page = text(response)
    assert response.status_code == 200
    assert "Bitte schreiben Sie den Hinweis auch auf Deutsch." in page
    assert IN_ENGLISH in page  # what was typed stays
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Conference.id))).scalar_one() == 0

    assert submit(team, NEW, conference_form(note=ID_CARD)).status_code == 302
    conference, _date = _conference(app)
    edit = f"/staff/regionalkonferenzen/{conference.id}/bearbeiten"
    response = submit(team, edit, _edit_form(team, conference.id, note="", note_en=IN_ENGLISH))
    assert response.status_code == 200
    assert "Bitte schreiben Sie den Hinweis auch auf Deutsch." in text(response)
    assert (_conference(app)[1].note, _conference(app)[1].note_en) == (ID_CARD, "")


def test_a_changed_note_sends_no_mail(app, team, conference_form):
    assert submit(team, NEW, conference_form()).status_code == 302
    conference, event_date = _conference(app)
    visitor = app.test_client()
    register = f"/angebote/termine/{event_date.id}/anmeldung"
    assert submit(visitor, register, registration_form()).status_code == 302
    with app.app_context():
        queued = db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar_one()
    edit = f"/staff/regionalkonferenzen/{conference.id}/bearbeiten"
    assert submit(team, edit, _edit_form(team, conference.id, note=ID_CARD)).status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(OutboxMessage.id))).scalar_one() == queued


def test_the_conference_pages_show_the_note_in_the_page_language(app, team, conference_form):
    assert submit(team, NEW, conference_form(note=ID_CARD, note_en=IN_ENGLISH)).status_code == 302
    conference, event_date = _conference(app)
    visitor = app.test_client()
    pages = (
        f"/regionalkonferenzen/{conference.slug}",
        f"/angebote/termine/{event_date.id}/anmeldung",
    )
    for url in pages:
        page = text(visitor.get(url))
        assert f"<span>{ID_CARD}</span>" in page and IN_ENGLISH not in page, url
    visitor.get("/sprache/en")
    for url in pages:
        page = text(visitor.get(url))
        assert f"<span>{IN_ENGLISH}</span>" in page and ID_CARD not in page, url


def test_an_english_page_marks_a_german_only_note_as_german(app, team, conference_form):
    assert submit(team, NEW, conference_form(note=ID_CARD)).status_code == 302
    conference, _date = _conference(app)
    visitor = app.test_client()
    visitor.get("/sprache/en")
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}"))
    assert f'<span lang="de">{ID_CARD}</span>' in page


def test_the_registrant_reads_the_note_in_mails_invitation_and_manage_page(
    app, team, conference_form, smtp
):
    assert submit(team, NEW, conference_form(note=ID_CARD, note_en=IN_ENGLISH)).status_code == 302
    _conference_row, event_date = _conference(app)
    visitor = app.test_client()
    visitor.get("/sprache/en")
    register = f"/angebote/termine/{event_date.id}/anmeldung"
    response = submit(visitor, register, registration_form())
    assert response.status_code == 302, text(response)
    [request] = smtp.to("kim@flensburg.de")
    assert f"Note: {IN_ENGLISH}" in request.get_body(("plain",)).get_content()
    confirm = path_of(
        next(u for u in links_in(request) if urlsplit(u).path.endswith("/bestaetigen"))
    )
    response = visitor.post(confirm, data={"csrf_token": csrf_token(visitor, confirm)})
    assert response.status_code == 302
    invitation = smtp.to("kim@flensburg.de")[1]
    assert f"Note: {IN_ENGLISH}" in invitation.get_body(("plain",)).get_content()
    part = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert f"Note: {IN_ENGLISH}" in str(event["DESCRIPTION"])
    assert ID_CARD not in invitation.as_string()
    manage = next(path_of(u) for u in links_in(invitation) if "/anmeldung/" in u)
    assert f"<span>{IN_ENGLISH}</span>" in text(visitor.get(manage))
