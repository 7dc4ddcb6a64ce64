"""Staff create and change regional conferences; people register on the conference page, with
the speed-dating and contact-exchange opt-ins; conference dates stay out of the catalogue."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import EventDate, Offering, OfferingFormat
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.registrations import mails
from startsmart.registrations.models import Consent, ConsentKind, Registration
from startsmart.staff.models import Role
from support import login, make_date, make_staff, registration_form, submit, text

NEW = "/staff/regionalkonferenzen/neu"


def only(app, model):
    with app.app_context():
        row = db.session.execute(sa.select(model)).scalar_one()
        db.session.expunge(row)
        return row


def create(team, conference_form, **changes) -> int:
    response = submit(team, NEW, conference_form(**changes))
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_creating_a_conference_creates_its_offering_and_date(app, team, conference_form):
    conference_id = create(team, conference_form)
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        date = db.session.execute(sa.select(EventDate)).scalar_one()
        assert conference.slug == "regionalkonferenz-nord"
        assert date.conference_id == conference.id and date.capacity == 80
        assert date.offering.format is OfferingFormat.CONFERENCE
        assert date.offering.slug == conference.slug  # mails link to the conference page
        assert date.venue == "Deutsches Haus, Friedrich-Ebert-Straße 7, Flensburg"
        assert (date.starts_at, date.ends_at) == (conference.starts_at, conference.ends_at)
        assert date.registration_closes_at < date.starts_at
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
        assert "conference.created" in actions
    page = text(team.get(f"/staff/regionalkonferenzen/{conference_id}"))
    assert "Regionalkonferenz Nord" in page and "Speed-Dating einrichten" in page


def test_form_errors_are_shown_at_their_fields_and_keep_the_input(app, team, conference_form):
    response = submit(team, NEW, conference_form(ends="08:00", venue="Rathaus Husum"))
    page = text(response)
    assert response.status_code == 200
    assert "Das Ende muss nach dem Beginn liegen." in page
    assert 'value="Rathaus Husum"' in page
    response = submit(team, NEW, conference_form(days=-3))
    assert "in der Vergangenheit" in text(response)
    response = submit(team, NEW, conference_form(city="", capacity="viele"))
    assert "Bitte füllen Sie dieses Feld aus." in text(response)
    assert "Bitte geben Sie eine ganze Zahl an" in text(response)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Conference.id))).scalar_one() == 0


def test_registration_on_the_conference_page_stores_both_opt_ins(app, team, smtp, conference_form):
    create(team, conference_form)
    client = app.test_client()  # a visitor, not logged in
    page = text(client.get("/regionalkonferenzen/regionalkonferenz-nord"))
    link = html.unescape(re.search(r'href="(/angebote/termine/\d+/anmeldung)"', page).group(1))
    form_page = text(client.get(link))
    assert "Ich möchte am Speed-Dating teilnehmen." in form_page
    assert "Kontaktdaten" in form_page and "Regionalkonferenz" in form_page
    response = submit(
        client, link, registration_form(speed_dating="y", contact_exchange="y", news="y")
    )
    assert response.status_code == 302, text(response)
    response = submit(
        client,
        link,
        registration_form(name="Ole Ohne", email="ole@husum.de", municipality="Husum"),
    )
    assert response.status_code == 302, text(response)
    with app.app_context():
        kim, ole = db.session.execute(sa.select(Registration).order_by(Registration.id)).scalars()
        assert kim.speed_dating is True and ole.speed_dating is False
        consents = db.session.execute(sa.select(Consent).order_by(Consent.id)).scalars().all()
        assert {(c.kind, c.source) for c in consents} == {
            (ConsentKind.NEWS, f"registration:{kim.id}"),
            (ConsentKind.CONTACT_EXCHANGE, f"registration:{kim.id}"),
        }
        assert all(c.person_id == kim.person_id and c.revoked_at is None for c in consents)
        event = mails.calendar_event(kim, "https://startsmart.test/anmeldung/x")
        assert event.url == "https://startsmart.test/regionalkonferenzen/regionalkonferenz-nord"
    assert len(smtp.received) == 2  # the two confirmation requests


def test_other_dates_neither_offer_nor_store_the_speed_dating(app, client, smtp):
    date_id = make_date(app)
    page = f"/angebote/termine/{date_id}/anmeldung"
    assert "Speed-Dating" not in text(client.get(page))
    response = submit(client, page, registration_form(speed_dating="y", contact_exchange="y"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(Registration.speed_dating)).scalar_one() is False
        assert db.session.execute(sa.select(sa.func.count(Consent.id))).scalar_one() == 0


def test_conference_dates_stay_out_of_the_catalogue(app, team, conference_form):
    create(team, conference_form)
    make_date(app, fmt="thematic_input", slug="themen-input")
    client = app.test_client()
    catalogue = text(client.get("/angebote/"))
    assert "Grundlagen der Smart City" in catalogue  # the ordinary date is listed
    assert "Regionalkonferenz Nord" not in catalogue
    assert 'value="conference"' not in catalogue  # no such format filter
    assert "Regionalkonferenz Nord" not in text(client.get("/angebote/?format=conference"))
    assert "Regionalkonferenz Nord" not in text(client.get("/"))
    # The subscribable calendar is all public dates, conferences among them (issue 16).
    assert "Regionalkonferenz Nord" in text(client.get("/angebote/start-smart.ics"))
    assert client.get("/angebote/regionalkonferenz-nord").status_code == 404
    assert "Regionalkonferenz Nord" in text(client.get("/regionalkonferenzen/"))


def test_moving_the_conference_moves_its_date_and_tells_who_registered(
    app, team, smtp, conference_form
):
    conference_id = create(team, conference_form)
    date = only(app, EventDate)
    response = submit(
        team,
        f"/angebote/termine/{date.id}/anmeldung",
        registration_form(),
    )
    assert response.status_code == 302
    smtp.clear()
    edit = f"/staff/regionalkonferenzen/{conference_id}/bearbeiten"
    response = submit(
        team,
        edit,
        conference_form(starts="10:00", title="Regionalkonferenz Nord 2027", capacity="100"),
    )
    assert response.status_code == 302, text(response)
    with app.app_context():
        conference = db.session.get(Conference, conference_id)
        moved = db.session.get(EventDate, date.id)
        assert moved.starts_at == conference.starts_at == date.starts_at + timedelta(hours=1)
        assert moved.capacity == 100 and moved.ical_sequence == 1
        assert moved.offering.title == "Regionalkonferenz Nord 2027"
        assert conference.slug == "regionalkonferenz-nord"  # addresses stay
    (update,) = smtp.to("kim@flensburg.de")
    assert "Regionalkonferenz Nord 2027" in update["Subject"]
    response = submit(team, edit, conference_form(starts="10:00", capacity="0"))
    assert "1 Platz ist schon vergeben; weniger Plätze sind nicht möglich." in text(response)


def test_staff_list_and_export_show_the_opt_ins(app, team, smtp, conference_form):
    conference_id = create(team, conference_form)
    date = only(app, EventDate)
    submit(
        team,
        f"/angebote/termine/{date.id}/anmeldung",
        registration_form(speed_dating="y"),
    )
    page = text(team.get(f"/staff/regionalkonferenzen/{conference_id}"))
    assert "Kim Kommune" in page and "Speed-Dating gewünscht" in page
    date_page = text(team.get(f"/staff/termine/{date.id}"))
    assert "Regionalkonferenz: Zeit, Ort, Speed-Dating" in date_page  # moved with the conference
    assert "Zeit oder Ort ändern" not in date_page
    export = team.get(f"/staff/regionalkonferenzen/{conference_id}/anmeldungen.csv")
    assert export.status_code == 200
    lines = export.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].endswith("Speed-Dating;Kontaktdaten teilen")
    assert lines[1].startswith("Kim Kommune;kim@flensburg.de;") and lines[1].endswith(";ja;nein")
    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
        assert "registrations.exported" in actions


def test_advisors_may_not_manage_conferences(app, client, conference_form):
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    assert client.get("/staff/regionalkonferenzen/").status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, data=conference_form()).status_code in (400, 403)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Offering.id))).scalar_one() == 0


def test_unknown_conferences_are_404(team):
    assert team.get("/staff/regionalkonferenzen/999").status_code == 404
    assert team.get("/staff/regionalkonferenzen/999/bearbeiten").status_code == 404
    assert team.get("/staff/regionalkonferenzen/999/anmeldungen.csv").status_code == 404
    assert team.get(f"/regionalkonferenzen/nichts-{clock.now().year}").status_code == 404
