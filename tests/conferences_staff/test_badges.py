"""Name badges, room signs and the check-in a badge's QR code opens."""

from __future__ import annotations

import re
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from badge_world import LONG_NAME
from badge_world import world as badge_world
from startsmart import clock, tokens
from startsmart.audit.models import AuditEvent
from startsmart.clock import berlin_today
from startsmart.conferences import badge_tokens, badges
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from support import csrf_token, login, submit, text
from workshop_support import make_workshops, register


@pytest.fixture
def world(app, team):
    return badge_world(app)


def _sheet(team, conference: Conference, query: str = "") -> str:
    response = team.get(f"/staff/regionalkonferenzen/{conference.id}/namensschilder{query}")
    assert response.status_code == 200
    return text(response)


def _names(html: str) -> list[str]:
    return re.findall(r'<h2 id="badge-\d+" class="badge-name [\w-]+">([^<]*)</h2>', html)


def test_a_badge_for_every_confirmed_person_with_kommune_and_check_in_code(app, team, world):
    conference, ids, _day = world
    html = _sheet(team, conference)
    assert _names(html) == ["Jürgen Groß", LONG_NAME, "Ada Öztürk"]
    assert "Flensburg" in html and "Husum" in html
    assert html.count('class="qr"') == 3
    assert f'class="badge-name fits-tiny">{LONG_NAME}' in html  # the long name is set smaller
    with app.app_context():
        url = badges.check_in_url(ids["ada"])
    assert re.fullmatch(
        rf"https?://[^/]+/staff/regionalkonferenzen/check-in/{ids['ada']}/[\w-]{{22}}", url
    )
    one = _sheet(team, conference, f"?anmeldung={ids['ada']}")
    assert _names(one) == ["Ada Öztürk"]


def test_cancelled_and_waiting_people_get_no_badge_and_the_filter_by_day(app, team, world):
    conference, ids, _day = world
    with app.app_context():
        registration = db.session.get(Registration, ids["jürgen"])
        registration.status = RegistrationStatus.CANCELLED
        db.session.get(Registration, ids["ada"]).created_at = clock.now() - timedelta(days=3)
        db.session.commit()
    assert _names(_sheet(team, conference)) == ["Ada Öztürk", LONG_NAME]  # by registration
    since = (berlin_today(clock.now()) - timedelta(days=1)).isoformat()
    assert _names(_sheet(team, conference, f"?seit={since}")) == [LONG_NAME]
    later = (berlin_today(clock.now()) + timedelta(days=5)).isoformat()
    empty = _sheet(team, conference, f"?seit={later}")
    assert _names(empty) == [] and "Keine bestätigten Anmeldungen" in empty
    assert _names(_sheet(team, conference, "?seit=gestern")) == ["Ada Öztürk", LONG_NAME]


def test_the_signs_list_each_rooms_sessions_and_the_days_programme(team, world):
    conference, _ids, _day = world
    html = text(team.get(f"/staff/regionalkonferenzen/{conference.id}/raumschilder"))
    titles = re.findall(r'<h2 id="sign-\d+" class="sign-title">([^<]*)</h2>', html)
    assert titles == ["Programm des Tages", "Großer Saal", "Raum 2"]
    room_2 = html.split('class="sign-title">Raum 2</h2>')[1]
    assert "Offene Daten" in room_2 and "Smarte Straßen" in room_2
    assert "Begrüßung" not in room_2 and "Mittagspause" not in room_2
    assert "10:00–11:00 Uhr" in room_2 and "Workshop" in room_2
    assert "Dr. Jana Beispiel, Stadt Ulm" in html


def test_the_english_pages(team, world):
    conference, _ids, _day = world
    team.get("/sprache/en")
    html = text(team.get(f"/staff/regionalkonferenzen/{conference.id}/raumschilder"))
    assert '<html lang="en">' in html
    assert "Welcome" in html and '<span lang="de">Offene Daten</span>' in html
    assert "Jürgen Groß" in _sheet(team, conference)


def test_the_detail_page_links_to_both(team, world):
    conference, _ids, _day = world
    html = text(team.get(f"/staff/regionalkonferenzen/{conference.id}"))
    assert f"/staff/regionalkonferenzen/{conference.id}/namensschilder" in html
    assert f"/staff/regionalkonferenzen/{conference.id}/raumschilder" in html


def _check_in_path(app, registration_id: int) -> str:
    with app.app_context():
        return urlsplit(badges.check_in_url(registration_id)).path


def _attendance(app, registration_id: int) -> Attendance | None:
    with app.app_context():
        return db.session.get(Registration, registration_id).attendance


def test_check_in_by_the_badges_code_once(app, team, world, travel):
    conference, ids, day = world
    page = _check_in_path(app, ids["ada"])
    travel.move_to(clock.berlin_to_utc(day, time(8, 15)))  # at the door, before the start
    login(team, "team@kts.example")  # the login of ten days ago has ended
    html = text(team.get(page))
    assert "Ada Öztürk einchecken" in html and "Husum" in html
    first = submit(team, page, {}, follow_redirects=True)
    assert "Ada Öztürk ist eingecheckt." in text(first)
    assert _attendance(app, ids["ada"]) is Attendance.ATTENDED
    again = team.post(page, data={"csrf_token": _csrf(team, page)}, follow_redirects=True)
    assert again.status_code == 200
    assert _attendance(app, ids["ada"]) is Attendance.ATTENDED
    with app.app_context():
        changes = (
            db.session.execute(
                sa.select(AuditEvent.details).where(AuditEvent.action == "registration.attendance")
            )
            .scalars()
            .all()
        )
    assert [c["changed"] for c in changes] == [1]  # the second scan changed nothing
    assert _attendance(app, ids["jürgen"]) is None


def _csrf(client, page: str) -> str:
    return csrf_token(client, page)


def test_check_in_before_the_start_says_so(app, team, world):
    conference, ids, _day = world
    page = _check_in_path(app, ids["ada"])
    response = submit(team, page, {})
    assert response.status_code == 200
    assert "erst ab Beginn" in text(response)
    assert _attendance(app, ids["ada"]) is None


def test_a_wrong_token_or_another_registration_is_not_found(app, team, world):
    conference, ids, _day = world
    with app.app_context():
        token = badge_tokens.check_in_token(ids["ada"])
    base = "/staff/regionalkonferenzen/check-in"
    assert team.get(f"{base}/{ids['ada']}/{token}").status_code == 200
    assert team.get(f"{base}/{ids['ada']}/{token[:-1]}x").status_code == 404
    assert team.get(f"{base}/{ids['jürgen']}/{token}").status_code == 404
    assert team.post(f"{base}/{ids['jürgen']}/{token}").status_code in (400, 404)
    assert team.get(f"{base}/99999999/{token}").status_code == 404
    assert _attendance(app, ids["jürgen"]) is None


def test_not_logged_in_goes_to_the_login(app, world):
    conference, ids, _day = world
    page = _check_in_path(app, ids["ada"])
    response = app.test_client().get(page)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert _attendance(app, ids["ada"]) is None


def test_a_badge_names_the_workshops_with_a_place_not_those_waited_for(app, team):
    w = make_workshops(app, capacities=(1, 1))
    first, _second = w.session_ids
    with app.app_context():
        now = clock.now()
        for number in (1, 2):  # the second waits for the one place
            registration_id = register(w.date_id, number, first)
            token = tokens.mint("registration", registration_id, now, now + timedelta(days=90))
            db.session.commit()
            registrations.confirm(token, now)
    html = text(team.get(f"/staff/regionalkonferenzen/{w.conference_id}/namensschilder"))
    assert len(_names(html)) == 2
    assert html.count("<li>10:30 Workshop 1</li>") == 1
