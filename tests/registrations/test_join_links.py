"""Join links of online dates: only confirmed participants get them (mail text and button,
calendar entry, manage page), and a new link reaches them as a calendar update."""

from __future__ import annotations

import functools
from datetime import time, timedelta

import icalendar
import pytest

from outbox_support import deliver_at
from startsmart import clock
from startsmart.catalog import staff_service
from startsmart.catalog.models import EventDate
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service
from startsmart.staff.models import Role, StaffUser
from support import known_towns, links_in, make_date, make_staff, path_of, text, town_applicant

pytestmark = pytest.mark.time_sensitive

ROOM = "https://konferenz.example.org/raum-1"  # make_date's own link
DEFAULT = "https://video.example.org/angebot"
NEW_DEFAULT = "https://video.example.org/angebot-neu"


applicant = functools.partial(town_applicant, state=FederalState.HE)


@pytest.fixture(autouse=True)
def towns(app):
    known_towns(app, FederalState.HE, [f"Gemeinde {number}" for number in range(1, 5)])


def invitation_calendar(message) -> bytes | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content().encode()
    return None


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def online_date_with_default(app) -> int:
    """An online date without a link of its own: its offering's link counts."""
    date_id = make_date(app, capacity=1, online_url=None)
    with app.app_context():
        date = db.session.get_one(EventDate, date_id)
        date.offering.default_join_url = DEFAULT
        db.session.commit()
    return date_id


def change_default(date_id: int, url: str, staff_id: int) -> None:
    """Staff save the date's offering with ``url`` as its default link (in an app context)."""
    offering = db.session.get_one(EventDate, date_id).offering
    data = staff_service.OfferingInput(
        title=offering.title,
        summary=offering.summary,
        description=offering.description,
        default_join_url=url,
    )
    actor = db.session.get_one(StaffUser, staff_id)
    staff_service.update_offering(offering.id, data, actor, clock.now())


def test_only_confirmed_participants_get_the_link(app, smtp):
    date_id = online_date_with_default(app)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)  # the one seat
        service.register(date_id, applicant(2), clock.now(), by_staff=True)  # waiting list
        service.register(date_id, applicant(3), clock.now())  # waiting list, unconfirmed
        deliver_at(clock.now())
    [confirmed] = smtp.to("person1@kommune.de")
    assert DEFAULT in plain(confirmed)
    assert f'href="{DEFAULT}"' in html(confirmed) and "Zur Videokonferenz" in html(confirmed)
    for address in ("person2@kommune.de", "person3@kommune.de"):
        for message in smtp.to(address):
            assert DEFAULT not in plain(message) and DEFAULT not in html(message)
            assert invitation_calendar(message) is None


def test_new_offering_link_updates_confirmed_participants(app, smtp):
    date_id = online_date_with_default(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)
        service.register(date_id, applicant(2), clock.now(), by_staff=True)  # waiting list
        deliver_at(clock.now())
        change_default(date_id, NEW_DEFAULT, staff_id)
        deliver_at(clock.now())
    first, update = smtp.to("person1@kommune.de")
    before = icalendar.Calendar.from_ical(invitation_calendar(first)).walk("VEVENT")[0]
    after = icalendar.Calendar.from_ical(invitation_calendar(update)).walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["LOCATION"]) == NEW_DEFAULT and NEW_DEFAULT in plain(update)
    assert all(NEW_DEFAULT not in plain(m) for m in smtp.to("person2@kommune.de"))
    assert len(smtp.to("person2@kommune.de")) == 1  # the waiting-list mail only


def test_date_with_its_own_link_ignores_the_offering_default(app, smtp):
    date_id = make_date(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)
        change_default(date_id, NEW_DEFAULT, staff_id)
        deliver_at(clock.now())
        assert db.session.get_one(EventDate, date_id).join_link == ROOM
    assert len(smtp.to("person1@kommune.de")) == 1  # the invitation, no update


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://video.example.org/raum", "https://"),
        ("javascript:alert(1)", "https://"),
        ("https://video.example.org/ raum", "Leerzeichen"),
        ("https://video.example.org/" + "a" * 480, "höchstens 500 Zeichen"),
    ],
)
def test_offering_link_must_be_https(app, url, message):
    from startsmart.errors import DomainError

    date_id = make_date(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            change_default(date_id, url, staff_id)
        db.session.rollback()
        assert message in refused.value.message and refused.value.field == "default_join_url"
        assert db.session.get_one(EventDate, date_id).offering.default_join_url is None


def test_manage_page_join_button_opens_shortly_before_the_start(app, client, smtp, travel):
    date_id = make_date(app)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)
        deliver_at(clock.now())
        date = db.session.get_one(EventDate, date_id)
        starts_at, ends_at = date.starts_at, date.ends_at
    [mail] = smtp.to("person1@kommune.de")
    manage = next(path_of(link) for link in links_in(mail) if "/anmeldung/" in link)
    lead = timedelta(minutes=app.config["JOIN_OPENS_MINUTES_BEFORE"])

    travel.move_to(starts_at - lead - timedelta(minutes=1))
    page = text(client.get(manage))
    assert "Jetzt teilnehmen" in page and "können Sie hier teilnehmen" in page
    assert f'href="{ROOM}"' not in page.split("Online teilnehmen")[1]

    travel.move_to(starts_at - lead + timedelta(minutes=1))
    page = text(client.get(manage))
    assert f'<a class="button" href="{ROOM}"' in page

    travel.move_to(ends_at + timedelta(minutes=1))
    assert "Jetzt teilnehmen" not in text(client.get(manage))


def test_waitlisted_manage_page_has_no_link(app, client, smtp, travel):
    date_id = make_date(app, capacity=0)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)
        deliver_at(clock.now())
        starts_at = db.session.get_one(EventDate, date_id).starts_at
    [mail] = smtp.to("person1@kommune.de")
    manage = next(path_of(link) for link in links_in(mail) if "/anmeldung/" in link)
    travel.move_to(starts_at)
    page = text(client.get(manage))
    assert ROOM not in page and "Jetzt teilnehmen" not in page


def test_online_date_may_rely_on_its_offerings_link(app):
    from startsmart.catalog import staff_dates
    from startsmart.clock import berlin_today
    from startsmart.errors import DomainError

    date_id = make_date(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        offering_id = db.session.get_one(EventDate, date_id).offering_id
        actor = db.session.get_one(StaffUser, staff_id)
        day = berlin_today(clock.now()) + timedelta(days=20)
        data = staff_dates.NewDate(
            day=day, starts=time(10), ends=None, online_url="", venue="", capacity=None
        )
        with pytest.raises(DomainError) as refused:  # neither a place nor any link
            staff_dates.create_date(offering_id, data, actor, clock.now())
        db.session.rollback()
        assert refused.value.field == "venue"
        db.session.get_one(EventDate, date_id).offering.default_join_url = DEFAULT
        db.session.commit()
        created = staff_dates.create_date(offering_id, data, actor, clock.now())
        assert created.online_url is None and created.join_link == DEFAULT


def test_offering_link_cannot_be_cleared_while_dates_rely_on_it(app):
    from startsmart.errors import DomainError

    date_id = online_date_with_default(app)
    staff_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        with pytest.raises(DomainError) as refused:
            change_default(date_id, "", staff_id)
        db.session.rollback()
        assert "1 kommender Online-Termin hat keinen eigenen Link" in refused.value.message
        assert db.session.get_one(EventDate, date_id).join_link == DEFAULT
