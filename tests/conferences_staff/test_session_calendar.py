"""A participant's personal conference calendar: every session they are seated in arrives as its
own calendar invitation (own UID, REQUEST), follows when staff move it (same UID, SEQUENCE+1),
and leaves with a CANCEL when it is dropped, chosen away or the registration is cancelled.
Checked on the mails the SMTP sink received, with the parsers of real clients (icalendar,
vobject, ical.js as in Thunderbird).

The conference lies on the day the clocks spring forward (the last Sunday of March): at the
``march-change-0159`` moment that is today, a minute before 02:00 stops existing."""

from __future__ import annotations

import dataclasses
import functools
from datetime import UTC, date, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa
import vobject

from icaljs import parse_with_icaljs
from moments import moment_of_this_run, today
from outbox_support import deliver_at
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import BERLIN
from startsmart.conferences import programme, service, session_calendar
from startsmart.conferences.models import (
    ConferenceSession,
    SessionInvitation,
    SessionInvitationState,
    SessionKind,
)
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import Role, StaffUser
from support import known_towns, links_in, make_date, make_staff, path_of, town_applicant

pytestmark = pytest.mark.time_sensitive  # the conference is on the March DST change

NOW = moment_of_this_run()
applicant = functools.partial(town_applicant, state=FederalState.BW)


def march_change_day(start: date) -> date:
    """The last Sunday of March on or after ``start``: the day without 02:00–02:59."""
    year = start.year
    while True:
        last = date(year, 3, 31)
        day = last - timedelta(days=(last.weekday() + 1) % 7)
        if day >= start:
            return day
        year += 1


DAY = march_change_day(today())


@pytest.fixture(autouse=True)
def towns(app):
    known_towns(app, FederalState.BW, [f"Gemeinde {number}" for number in range(1, 5)])


@pytest.fixture
def staff(app) -> StaffUser:
    user_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        return db.session.get(StaffUser, user_id)


def session_input(title: str, starts: time, ends: time, room: str, **changes):
    fields = {
        "kind": SessionKind.WORKSHOP,
        "title": title,
        "day": DAY,
        "starts": starts,
        "ends": ends,
        "room": room,
        "description": f"Worum es geht: {title}.",
        "capacity": 20,
        **changes,
    }
    return programme.SessionInput(**fields)


def conference_input(**changes) -> service.ConferenceInput:
    """Regionalkonferenz Süd on DAY, 9 to 17 h at the Stadthaus Ulm."""
    fields = {
        "title": "Regionalkonferenz Süd",
        "day": DAY,
        "starts": time(9),
        "ends": time(17),
        "city": "Ulm",
        "venue": "Stadthaus Ulm",
        "description": "",
        "capacity": 50,
        "deadline": Deadline(DAY, time(8)),  # later than 01:59 on DAY
        **changes,
    }
    return service.ConferenceInput(**fields)


@pytest.fixture
def conference(app, staff):
    """A conference on DAY (9 to 17 h, Stadthaus Ulm) with two parallel workshops at 10:30 and
    one at 13:00; returns (date id, {title: session id})."""
    with app.app_context():
        conference = service.create_conference(conference_input(), staff, NOW)
        sessions = {
            title: programme.add_session(
                conference.id, session_input(title, starts, ends, room), staff, NOW
            ).id
            for title, starts, ends, room in (
                ("Daten in der Kommune", time(10, 30), time(12), "Raum 2"),
                ("Offene Plattformen", time(10, 30), time(12), "Raum 3"),
                ("Smarte Quartiere", time(13), time(14, 30), "Saal"),
            )
        }
        return service.conference_date(conference.id).id, sessions


def register(app, date_id: int, number: int, locale: str = "de") -> int:
    """Person ``number``, entered by staff: confirmed at once, the day's invitation queued."""
    with app.app_context():
        person = applicant(number)
        if locale != "de":
            person = dataclasses.replace(person, locale=locale)
        outcome = registrations.register(date_id, person, NOW, by_staff=True)
        return outcome.registration_id


def sync(app, registration_id: int, wanted: set[int]) -> int:
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        queued = session_calendar.sync(registration, wanted, NOW)
        db.session.commit()
        return queued


def session_mails(app, smtp, address: str) -> list:
    """The session mails ``address`` received so far (not the day's own invitation), each as
    (message, its calendar, its one VEVENT)."""
    with app.app_context():
        deliver_at(NOW + timedelta(minutes=5))
    found = []
    for message in smtp.to(address):
        for part in message.walk():
            if part.get_content_type() != "text/calendar":
                continue
            calendar = icalendar.Calendar.from_ical(part.get_content())
            (event,) = calendar.walk("VEVENT")
            if str(event["UID"]).startswith("session-"):
                found.append((message, calendar, event))
    return found


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar()


def berlin(at: time) -> datetime:
    return datetime.combine(DAY, at, tzinfo=BERLIN)


def test_each_seated_session_is_its_own_invitation_and_a_second_sync_sends_nothing(
    app, smtp, client, conference
):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    wanted = {sessions["Daten in der Kommune"], sessions["Smarte Quartiere"]}
    assert sync(app, registration_id, wanted) == 2
    mails = session_mails(app, smtp, "person1@kommune.de")
    assert len(mails) == 2
    (first, calendar, event), (_, _, other) = mails
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) != str(other["UID"])
    with app.app_context():
        day_uid = db.session.get(Registration, registration_id).ical_uid
    assert day_uid not in (str(event["UID"]), str(other["UID"]))
    assert [e["SEQUENCE"] for _, _, e in mails] == [0, 0]
    assert str(event["SUMMARY"]) == "Start Smart: Daten in der Kommune"
    assert str(event["LOCATION"]) == "Raum 2, Stadthaus Ulm"
    assert event.decoded("DTSTART") == berlin(time(10, 30))
    assert event.decoded("DTEND") == berlin(time(12))
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(other["SUMMARY"]) == "Start Smart: Smarte Quartiere"
    day = DAY.strftime("%d.%m.%Y")
    assert first["Subject"] == f"Ihr Workshop: Daten in der Kommune, {day}, 10:30–12:00 Uhr, Raum 2"
    body = first.get_body(("plain",)).get_content()
    assert "Regionalkonferenz Süd" in body and "Raum: Raum 2" in body
    assert "Worum es geht: Daten in der Kommune." in str(event["DESCRIPTION"])
    (manage,) = [link for link in links_in(first) if "/anmeldung/" in link]
    assert manage in str(event["DESCRIPTION"]).replace("\n", "")
    assert client.get(path_of(manage)).status_code == 200

    # The same wanted set again: nothing queued, nothing sent.
    before = outbox_count(app)
    assert sync(app, registration_id, wanted) == 0
    assert outbox_count(app) == before
    assert len(session_mails(app, smtp, "person1@kommune.de")) == 2

    # What other clients read from the same invitation.
    data = calendar.to_ical()
    card = vobject.readOne(data.decode()).vevent
    assert card.uid.value == str(event["UID"])
    assert card.dtstart.value == berlin(time(10, 30))
    parsed = parse_with_icaljs(data)
    (js,) = parsed["events"]
    assert js["uid"] == str(event["UID"])
    assert js["sequence"] == 0
    assert js["dtstart_utc"] == berlin(time(10, 30)).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    assert js["attendees"][0]["value"] == "mailto:person1@kommune.de"


def test_a_moved_session_reaches_its_holders_with_the_same_uid_and_sequence_1(
    app, smtp, conference, staff
):
    date_id, sessions = conference
    holder = register(app, date_id, 1)
    other = register(app, date_id, 2)
    sync(app, holder, {sessions["Daten in der Kommune"]})
    sync(app, other, {sessions["Offene Plattformen"]})
    (invitation,) = session_mails(app, smtp, "person1@kommune.de")
    with app.app_context():
        before = outbox_count(app)
        # Only the description changes: nothing in the calendar changes, no mail.
        programme.change_session(
            sessions["Daten in der Kommune"],
            session_input(
                "Daten in der Kommune",
                time(10, 30),
                time(12),
                "Raum 2",
                description="Neu beschrieben.",
            ),
            staff,
            NOW,
        )
        assert outbox_count(app) == before
        programme.change_session(
            sessions["Daten in der Kommune"],
            session_input("Daten in der Kommune", time(11), time(12, 30), "Raum 5"),
            staff,
            NOW,
        )
    first, update = session_mails(app, smtp, "person1@kommune.de")
    message, calendar, event = update
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(invitation[2]["UID"])
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == berlin(time(11))
    assert event.decoded("DTEND") == berlin(time(12, 30))
    assert str(event["LOCATION"]) == "Raum 5, Stadthaus Ulm"
    assert message["Subject"].startswith("Geändert – Ihr Workshop: Daten in der Kommune")
    assert message["Subject"].endswith("11:00–12:30 Uhr, Raum 5")
    # The other workshop's participant hears nothing of it.
    assert len(session_mails(app, smtp, "person2@kommune.de")) == 1
    # A sync after the move finds the calendar up to date.
    assert sync(app, holder, {sessions["Daten in der Kommune"]}) == 0


def test_a_changed_choice_cancels_the_old_session_and_invites_to_the_new(app, smtp, conference):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    data, platforms = sessions["Daten in der Kommune"], sessions["Offene Plattformen"]
    sync(app, registration_id, {data})
    assert sync(app, registration_id, {platforms}) == 2
    invited, cancelled, new = session_mails(app, smtp, "person1@kommune.de")
    assert str(cancelled[1]["METHOD"]) == "CANCEL"
    assert str(cancelled[2]["UID"]) == str(invited[2]["UID"])
    assert cancelled[2]["SEQUENCE"] == 1
    assert str(cancelled[2]["STATUS"]) == "CANCELLED"
    assert str(cancelled[2]["SUMMARY"]) == "Start Smart: Daten in der Kommune"
    assert cancelled[0]["Subject"].startswith("Entfernt – Ihr Workshop: Daten in der Kommune")
    assert str(new[1]["METHOD"]) == "REQUEST"
    assert str(new[2]["SUMMARY"]) == "Start Smart: Offene Plattformen"
    assert new[2]["SEQUENCE"] == 0
    # Back to the first choice: its old entry again (same UID), SEQUENCE 2.
    assert sync(app, registration_id, {data}) == 2
    *_, again_cancelled, again = session_mails(app, smtp, "person1@kommune.de")
    assert str(again_cancelled[1]["METHOD"]) == "CANCEL"
    assert str(again[2]["UID"]) == str(invited[2]["UID"])
    assert again[2]["SEQUENCE"] == 2
    assert str(again[1]["METHOD"]) == "REQUEST"
    assert str(again_cancelled[2]["UID"]) == str(new[2]["UID"])
    assert again_cancelled[2]["SEQUENCE"] == 1


def test_a_deleted_session_is_cancelled_by_name(app, smtp, conference, staff):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    workshop = sessions["Daten in der Kommune"]
    sync(app, registration_id, {workshop, sessions["Smarte Quartiere"]})
    with app.app_context():
        programme.delete_session(workshop, staff, NOW)
        assert db.session.get(ConferenceSession, workshop) is None
        (entry,) = db.session.execute(
            sa.select(SessionInvitation).where(SessionInvitation.session_id.is_(None))
        ).scalars()
        assert entry.state is SessionInvitationState.CANCELLED
    *_, (message, calendar, event) = session_mails(app, smtp, "person1@kommune.de")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]) == "Start Smart: Daten in der Kommune"
    assert event.decoded("DTSTART") == berlin(time(10, 30))
    assert "Daten in der Kommune" in message["Subject"]
    assert "Raum 2" in message.get_body(("plain",)).get_content()
    # The deleted session is gone from the wanted set; nothing more to send.
    assert sync(app, registration_id, {sessions["Smarte Quartiere"]}) == 0


def test_a_cancelled_registration_cancels_every_session(app, smtp, conference):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, set(sessions.values()) - {sessions["Offene Plattformen"]})
    invitations = session_mails(app, smtp, "person1@kommune.de")
    (day_invitation,) = [
        m for m in smtp.to("person1@kommune.de") if m["Subject"].startswith("Einladung")
    ]
    manage = next(link for link in links_in(day_invitation) if "/anmeldung/" in link)
    with app.app_context():
        registrations.cancel(manage.rstrip("/").rsplit("/", 1)[1], NOW)
    # The registration's cancellation calls sync (wired by the lead); whatever it wants.
    assert sync(app, registration_id, set(sessions.values())) == 2
    cancels = session_mails(app, smtp, "person1@kommune.de")[2:]
    assert [str(c["METHOD"]) for _, c, _ in cancels] == ["CANCEL", "CANCEL"]
    assert {str(e["UID"]) for _, _, e in cancels} == {str(e["UID"]) for _, _, e in invitations}
    assert [e["SEQUENCE"] for _, _, e in cancels] == [1, 1]
    assert sync(app, registration_id, set()) == 0


def test_a_mail_rendered_late_says_what_was_true_when_it_was_queued(app, smtp, conference, staff):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, {sessions["Daten in der Kommune"]})
    with app.app_context():  # moved before the worker ran: two mails, in order
        programme.change_session(
            sessions["Daten in der Kommune"],
            session_input("Daten in der Kommune", time(15), time(16), "Raum 9"),
            staff,
            NOW,
        )
    (_, _, first), (_, _, second) = session_mails(app, smtp, "person1@kommune.de")
    assert (first["SEQUENCE"], first.decoded("DTSTART")) == (0, berlin(time(10, 30)))
    assert (second["SEQUENCE"], second.decoded("DTSTART")) == (1, berlin(time(15)))


def test_times_right_at_the_march_change(app, smtp, conference, staff):
    """A session from 01:30 to 03:30 on the night the clocks spring forward lasts one hour:
    01:30 CET to 03:30 CEST, as every parser reads it."""
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, {sessions["Smarte Quartiere"]})
    with app.app_context():
        programme.change_session(
            sessions["Smarte Quartiere"],
            session_input("Smarte Quartiere", time(1, 30), time(3, 30), "Saal"),
            staff,
            NOW,
        )
    _, (message, calendar, event) = session_mails(app, smtp, "person1@kommune.de")
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert starts.astimezone(UTC) == datetime.combine(DAY, time(0, 30), tzinfo=UTC)
    assert ends.astimezone(UTC) == datetime.combine(DAY, time(1, 30), tzinfo=UTC)
    assert message["Subject"].endswith("01:30–03:30 Uhr, Saal")
    (js,) = parse_with_icaljs(calendar.to_ical())["events"]
    assert js["dtstart_utc"] == f"{DAY.isoformat()}T00:30:00.000Z"
    assert js["dtstart_tzid"] == "Europe/Berlin"
    card = vobject.readOne(calendar.to_ical().decode()).vevent
    assert card.dtend.value.astimezone(UTC) == ends.astimezone(UTC)


def test_english_registrations_get_the_english_title(app, smtp, conference, staff):
    date_id, sessions = conference
    with app.app_context():
        programme.change_session(
            sessions["Offene Plattformen"],
            session_input(
                "Offene Plattformen", time(10, 30), time(12), "Raum 3", title_en="Open platforms"
            ),
            staff,
            NOW,
        )
    registration_id = register(app, date_id, 3, locale="en")
    sync(app, registration_id, {sessions["Offene Plattformen"]})
    ((message, _, event),) = session_mails(app, smtp, "person3@kommune.de")
    assert str(event["SUMMARY"]) == "Start Smart: Open platforms"
    assert "Open platforms" in message["Subject"]
    assert message["Content-Language"] == "en"


def test_only_confirmed_participants_of_this_conference_get_entries(app, smtp, conference):
    date_id, sessions = conference
    other_date = make_date(app, capacity=5)
    registration_id = register(app, other_date, 1)
    assert sync(app, registration_id, set(sessions.values())) == 0  # not this conference's
    with app.app_context():
        pending = registrations.register(date_id, applicant(2), NOW).registration_id
    assert sync(app, pending, set(sessions.values())) == 0  # no seat confirmed yet
    assert session_mails(app, smtp, "person2@kommune.de") == []


def test_the_manage_page_offers_the_personal_programme_as_a_file(app, smtp, client, conference):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, {sessions["Daten in der Kommune"], sessions["Smarte Quartiere"]})
    sync(app, registration_id, {sessions["Smarte Quartiere"]})  # the first one cancelled
    mails = session_mails(app, smtp, "person1@kommune.de")
    manage = path_of(next(link for link in links_in(mails[0][0]) if "/anmeldung/" in link))
    page = client.get(manage).get_data(as_text=True)
    assert "Mein Konferenzprogramm (.ics)" in page
    response = client.get(manage + "/konferenzprogramm.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("no-store")
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    with app.app_context():
        day_uid = db.session.get(Registration, registration_id).ical_uid
    quartiere = mails[1][2]
    assert [str(e["UID"]) for e in events] == [day_uid, str(quartiere["UID"])]
    assert str(events[1]["SUMMARY"]) == "Start Smart: Smarte Quartiere"
    assert events[1].decoded("DTSTART") == berlin(time(13))
    assert all("ATTENDEE" not in e for e in events)
    (_, js) = parse_with_icaljs(response.data)["events"]
    assert js["uid"] == str(quartiere["UID"])
    # A wrong token: gone; not a conference: no such file and no link.
    assert client.get("/anmeldung/falsch/konferenzprogramm.ics").status_code == 410
    other = register(app, make_date(app, capacity=5), 2)
    assert other
    (invitation,) = smtp.to("person2@kommune.de") or [None]
    if invitation is None:
        with app.app_context():
            deliver_at(NOW + timedelta(minutes=5))
        (invitation,) = smtp.to("person2@kommune.de")
    other_manage = path_of(next(link for link in links_in(invitation) if "/anmeldung/" in link))
    assert "Konferenzprogramm" not in client.get(other_manage).get_data(as_text=True)
    assert client.get(other_manage + "/konferenzprogramm.ics").status_code == 404


def test_a_conference_moved_to_another_place_and_day_takes_every_session_along(
    app, smtp, conference, staff
):
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, {sessions["Daten in der Kommune"]})
    with app.app_context():
        conference_id = db.session.get(ConferenceSession, sessions["Smarte Quartiere"])
        conference_id = conference_id.conference_id
        # Only the day's end moves: the day's invitation changes, the sessions do not.
        service.update_conference(conference_id, conference_input(ends=time(18)), staff, NOW)
        assert len(session_mails(app, smtp, "person1@kommune.de")) == 1
        later = DAY + timedelta(days=7)
        service.update_conference(
            conference_id,
            conference_input(day=later, city="Neu-Ulm", venue="Rathaus Neu-Ulm"),
            staff,
            NOW,
        )
    _, (message, calendar, event) = session_mails(app, smtp, "person1@kommune.de")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime.combine(later, time(10, 30), tzinfo=BERLIN)
    assert str(event["LOCATION"]) == "Raum 2, Rathaus Neu-Ulm"


def test_a_session_moved_after_a_missed_sync_is_cancelled_for_a_cancelled_registration(
    app, smtp, conference, staff
):
    """If a cancellation did not sync, the next change of the session takes it out of the
    calendar instead of sending it again."""
    date_id, sessions = conference
    registration_id = register(app, date_id, 1)
    sync(app, registration_id, {sessions["Smarte Quartiere"]})
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        registration.status = RegistrationStatus.CANCELLED
        db.session.commit()
        programme.change_session(
            sessions["Smarte Quartiere"],
            session_input("Smarte Quartiere", time(14), time(15), "Saal"),
            staff,
            NOW,
        )
    _, (_, calendar, event) = session_mails(app, smtp, "person1@kommune.de")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert event["SEQUENCE"] == 1
