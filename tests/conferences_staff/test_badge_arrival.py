"""What a badge's QR code does beyond the conference's attendance: it ticks a speed-dating
participant present (once), and the code of a badge staff have reissued says that it was
replaced and checks nobody in."""

from __future__ import annotations

from datetime import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from badge_world import world as badge_world
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.conferences import badge_tokens, badges
from startsmart.conferences.models import ConferenceBadge
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.registrations import staff_service
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.speed_dating import service as speed_dating
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import StaffUser
from support import csrf_token, login, submit, text


@pytest.fixture
def world(app, team):
    """The badge world with a speed-dating at 13 h and Sven, who asked to take part."""
    conference, ids, day = badge_world(app)
    with app.app_context():
        actor = _actor()
        speed_dating.save_settings(
            conference.id,
            speed_dating.Settings(starts=time(13), questions=("Woran?", "Was?", "Wobei?")),
            actor,
            clock.now(),
        )
        applicant = registrations.Applicant(
            name="Sven Speed",
            email="s@schleswig.de",
            function="",
            municipality=MunicipalityInput("Schleswig", FederalState.SH, MunicipalityKind.CITY),
            speed_dating=True,
        )
        event_date_id = db.session.get(Registration, ids["ada"]).event_date_id
        ids["sven"] = registrations.register(
            event_date_id, applicant, clock.now(), by_staff=True
        ).registration_id
    return conference, ids, day


def _actor() -> StaffUser:
    return db.session.execute(sa.select(StaffUser)).scalars().first()


def _path(app, registration_id: int) -> str:
    with app.app_context():
        return urlsplit(badge_tokens.check_in_url(registration_id)).path


def _at_the_door(team, travel, day) -> None:
    travel.move_to(clock.berlin_to_utc(day, time(8, 15)))
    login(team, "team@kts.example")  # the login of ten days ago has ended


def _participant(app, registration_id: int) -> SpeedDatingParticipant | None:
    with app.app_context():
        person = db.session.execute(
            sa.select(SpeedDatingParticipant).where(
                SpeedDatingParticipant.registration_id == registration_id
            )
        ).scalar_one_or_none()
        if person is not None:
            db.session.expunge(person)
        return person


def _audited(app, action: str) -> list[dict]:
    """Each entry's details, with its subject."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.subject, AuditEvent.details)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()
        return [{"subject": subject, **(details or {})} for subject, details in rows]


def _attendance(app, registration_id: int) -> Attendance | None:
    with app.app_context():
        return db.session.get(Registration, registration_id).attendance


# -- speed-dating ------------------------------------------------------------------------------


def test_the_badge_checks_a_speed_dating_participant_in_there_too_once(app, team, world, travel):
    conference, ids, day = world
    _at_the_door(team, travel, day)
    page = _path(app, ids["sven"])
    scanned = clock.now()
    first = submit(team, page, {}, follow_redirects=True)
    assert "Sven Speed ist eingecheckt, auch für das Speed-Dating." in text(first)
    assert _attendance(app, ids["sven"]) is Attendance.ATTENDED
    person = _participant(app, ids["sven"])
    assert person is not None and person.present
    assert scanned <= person.checked_in_at <= clock.now() and person.name == "Sven Speed"
    travel.shift(60)
    again = submit(team, page, {}, follow_redirects=True)
    assert "Sven Speed war schon eingecheckt." in text(again)
    assert _participant(app, ids["sven"]).checked_in_at == person.checked_in_at
    assert [d["subject"] for d in _audited(app, "speed_dating.check_in")] == [
        f"speed_dating_participant:{person.id}"
    ]
    # And the speed-dating's own check-in list shows Sven present.
    listing = text(team.get(f"/staff/regionalkonferenzen/{conference.id}/speed-dating/check-in"))
    assert "Sven Speed" in listing


def test_somebody_without_the_speed_dating_is_only_checked_in(app, team, world, travel):
    _conference, ids, day = world
    _at_the_door(team, travel, day)
    response = submit(team, _path(app, ids["ada"]), {}, follow_redirects=True)
    assert "Ada Öztürk ist eingecheckt." in text(response)
    assert "auch für das Speed-Dating" not in text(response)
    assert _participant(app, ids["ada"]) is None
    assert _audited(app, "speed_dating.check_in") == []


def test_attended_already_then_the_badge_adds_the_speed_dating(app, team, world, travel):
    _conference, ids, day = world
    _at_the_door(team, travel, day)
    with app.app_context():
        event_date_id = db.session.get(Registration, ids["sven"]).event_date_id
        staff_service.record_attendance(
            event_date_id,
            {ids["sven"]: Attendance.ATTENDED},
            _actor(),
            clock.now(),
            opens_at=badges.check_in_opens(clock.now()),
        )
    response = submit(team, _path(app, ids["sven"]), {}, follow_redirects=True)
    assert "Sven Speed ist jetzt auch für das Speed-Dating eingecheckt." in text(response)
    assert _participant(app, ids["sven"]).present


def test_a_participant_marked_gone_stays_gone_on_a_second_scan(app, team, world, travel):
    conference, ids, day = world
    _at_the_door(team, travel, day)
    page = _path(app, ids["sven"])
    assert submit(team, page, {}).status_code == 302
    with app.app_context():
        speed_dating.set_presence(
            conference.id,
            registration_id=ids["sven"],
            present=False,
            actor=_actor(),
            now=clock.now(),
        )
    submit(team, page, {})
    person = _participant(app, ids["sven"])
    assert not person.present and person.departed_at is not None


def test_a_scan_refused_before_the_door_opens_ticks_nothing_anywhere(app, team, world, travel):
    _conference, ids, day = world
    travel.move_to(clock.berlin_to_utc(day, time(5, 30)))
    login(team, "team@kts.example")
    response = submit(team, _path(app, ids["sven"]), {})
    assert response.status_code == 200 and "erst ab Beginn" in text(response)
    assert _attendance(app, ids["sven"]) is None
    assert _participant(app, ids["sven"]) is None


# -- reissuing a badge -------------------------------------------------------------------------


def _reissue_page(conference, registration_id: int) -> str:
    return f"/staff/regionalkonferenzen/{conference.id}/namensschilder/{registration_id}/ersetzen"


def test_a_reissued_badge_voids_the_old_code_which_says_so(app, team, world, travel):
    conference, ids, day = world
    old = _path(app, ids["ada"])
    jürgen = _path(app, ids["jürgen"])
    asked = text(team.get(_reissue_page(conference, ids["ada"])))
    assert "Namensschild von Ada Öztürk ersetzen?" in asked
    done = submit(team, _reissue_page(conference, ids["ada"]), {}, follow_redirects=True)
    assert "Das neue Namensschild für Ada Öztürk ist bereit" in text(done)
    new = _path(app, ids["ada"])
    assert new != old
    assert 'id="badge-' in text(done)  # the one new badge, ready to print
    with app.app_context():
        [badge] = badges.badges(conference, registration_id=ids["ada"])
    assert urlsplit(badge.check_in_url).path == new

    _at_the_door(team, travel, day)
    replaced = team.get(old)
    assert replaced.status_code == 410
    assert "Dieses Namensschild wurde ersetzt" in text(replaced)
    assert "niemand wurde eingecheckt" in text(replaced)
    assert team.post(old, data={"csrf_token": csrf_token(team, new)}).status_code == 410
    assert _attendance(app, ids["ada"]) is None
    assert _path(app, ids["jürgen"]) == jürgen  # nobody else's badge changed
    assert team.get(jürgen).status_code == 200
    assert "Ada Öztürk ist eingecheckt." in text(submit(team, new, {}, follow_redirects=True))
    assert _attendance(app, ids["ada"]) is Attendance.ATTENDED

    submit(team, _reissue_page(conference, ids["ada"]), {})
    assert team.get(old).status_code == 410 and team.get(new).status_code == 410
    assert team.get(_path(app, ids["ada"])).status_code == 200
    assert [
        (d["subject"], d["generation"]) for d in _audited(app, "conference.badge_reissued")
    ] == [
        (f"registration:{ids['ada']}", 1),
        (f"registration:{ids['ada']}", 2),
    ]


def test_a_made_up_token_is_still_not_found_after_a_reissue(app, team, world):
    conference, ids, _day = world
    submit(team, _reissue_page(conference, ids["ada"]), {})
    base = f"/staff/regionalkonferenzen/check-in/{ids['ada']}"
    assert team.get(f"{base}/{'A' * 22}").status_code == 404
    with app.app_context():
        foreign = badge_tokens.check_in_token(ids["jürgen"], 1)
    assert team.get(f"{base}/{foreign}").status_code == 404


def test_only_a_confirmed_registration_of_this_conference_gets_a_new_badge(app, team, world):
    conference, ids, _day = world
    with app.app_context():
        db.session.get(Registration, ids["jürgen"]).status = RegistrationStatus.CANCELLED
        db.session.commit()
    response = submit(team, _reissue_page(conference, ids["jürgen"]), {})
    assert response.status_code == 200
    assert "nicht bestätigt; sie bekommt kein Namensschild" in text(response)
    with app.app_context():
        assert db.session.get(ConferenceBadge, ids["jürgen"]) is None
    assert team.get(_reissue_page(conference, 99999999)).status_code == 404
    elsewhere = _reissue_page(conference, ids["ada"]).replace(
        f"/{conference.id}/", f"/{conference.id + 1000}/"
    )
    assert team.get(elsewhere).status_code == 404
    assert _audited(app, "conference.badge_reissued") == []
