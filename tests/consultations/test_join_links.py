"""The video link of a consultation: missing until an advisor gives one (listed as "Link
fehlt", the reminder waits), then in an update with the same UID and SEQUENCE + 1; the
advisor's personal room is the default; the manage page's "Jetzt teilnehmen"."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import vobject

from consultation_support import booking_request, make_advisor
from icaljs import parse_with_icaljs
from moments import working_day
from outbox_support import deliver_at
from startsmart import clock
from startsmart.consultations import booking, reminders, video_links
from startsmart.consultations.models import Channel, Consultation
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, links_in, login, make_staff, path_of, text

pytestmark = pytest.mark.time_sensitive

LINK = "https://video.example.org/beratung-1"
ROOM = "https://video.example.org/berta"


def calendar_data(mail) -> bytes:
    part = next(p for p in mail.walk() if p.get_content_type() == "text/calendar")
    return part.get_content().encode()


def event_of(mail) -> icalendar.Event:
    return icalendar.Calendar.from_ical(calendar_data(mail)).walk("VEVENT")[0]


def book(app, advisor_id: int, start, channel: Channel = Channel.VIDEO, by_staff: bool = True):
    with app.app_context():
        actor = db.session.get(StaffUser, advisor_id) if by_staff else None
        phone = "0461 123456" if channel is Channel.PHONE else ""
        request = booking_request(start, 1, channel=channel, phone=phone)
        return booking.book(request, clock.now(), by_staff=by_staff, actor=actor).consultation_id


def plain(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_missing_link_is_listed_and_the_update_brings_it(app, client, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    consultation_id = book(app, advisor_id, working_day(7, 10))
    with app.app_context():
        deliver_at(clock.now())
        assert [c.id for c in video_links.missing(clock.now())] == [consultation_id]
    [invitation] = smtp.to("kim1@kleinstadt.de")
    assert "den Link schicken wir Ihnen, sobald er feststeht" in plain(invitation)
    assert "CONFERENCE" not in calendar_data(invitation).decode()

    login(client, "berta@kts.example")
    listed = text(client.get("/staff/beratungen/"))
    assert "Link fehlt" in listed and f"/staff/beratungen/{consultation_id}#link" in listed
    assert "Videoberatung: Link fehlt" in text(client.get("/staff/"))

    page = f"/staff/beratungen/{consultation_id}"
    refused = client.post(
        f"{page}/link", data={"csrf_token": csrf_token(client, page), "join_url": "http://x.de/a"}
    )
    assert refused.status_code == 200 and "https://" in text(refused)
    assert 'value="http://x.de/a"' in text(refused)  # the input is kept
    saved = client.post(
        f"{page}/link", data={"csrf_token": csrf_token(client, page), "join_url": LINK}
    )
    assert saved.status_code == 302
    with app.app_context():
        deliver_at(clock.now())
        assert video_links.missing(clock.now()) == []
    assert "Link fehlt" not in text(client.get("/staff/beratungen/"))

    first, update = smtp.to("kim1@kleinstadt.de")
    before, after = event_of(first), event_of(update)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["LOCATION"]) == str(after["URL"]) == LINK
    assert LINK in plain(update) and f'href="{LINK}"' in update.get_body(("html",)).get_content()
    advisor_copies = smtp.to("berta@kts.example")
    assert int(event_of(advisor_copies[-1])["SEQUENCE"]) == int(after["SEQUENCE"])

    data = calendar_data(update)
    [conference] = icalendar.Calendar.from_ical(data).walk("VEVENT")[0].conferences
    assert conference.uri == LINK and "VIDEO" in conference.feature
    card = vobject.readOne(data.decode()).vevent
    assert card.location.value == card.url.value == card.conference.value == LINK
    [thunderbird] = parse_with_icaljs(data)["events"]
    assert thunderbird["location"] == thunderbird["url"] == LINK
    assert thunderbird["conferences"][0]["feature"] == "VIDEO"


def test_reminder_waits_for_the_link(app, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    start = working_day(7, 10)
    consultation_id = book(app, advisor_id, start)
    with app.app_context():
        actor = db.session.get_one(StaffUser, advisor_id)
        assert reminders.send_due(start - timedelta(hours=23)) == 0  # no link: it waits
        assert reminders.send_due(start - timedelta(hours=3)) == 0
        video_links.set_link(consultation_id, LINK, actor, start - timedelta(hours=2))
        assert reminders.send_due(start - timedelta(hours=2)) == 1
        deliver_at(start - timedelta(hours=1))
    [reminder] = [m for m in smtp.to("kim1@kleinstadt.de") if m["Subject"].startswith("Erinn")]
    assert (
        LINK in plain(reminder) and f'href="{LINK}"' in reminder.get_body(("html",)).get_content()
    )


def test_the_advisors_room_is_the_default_and_changing_it_updates(app, smtp):
    advisor_id = make_advisor(app, "berta@kts.example", room_url=ROOM)
    consultation_id = book(app, advisor_id, working_day(7, 10))
    with app.app_context():
        deliver_at(clock.now())
        assert video_links.missing(clock.now()) == []
        advisor = db.session.get_one(StaffUser, advisor_id)
        assert video_links.set_room(advisor_id, ROOM + "-neu", advisor, clock.now()) == 1
        deliver_at(clock.now())
        assert db.session.get_one(Consultation, consultation_id).join_link == ROOM + "-neu"
    first, update = smtp.to("kim1@kleinstadt.de")
    assert str(event_of(first)["LOCATION"]) == ROOM
    assert str(event_of(update)["LOCATION"]) == ROOM + "-neu"
    assert int(event_of(update)["SEQUENCE"]) == int(event_of(first)["SEQUENCE"]) + 1


def test_only_the_advisor_or_an_admin_sets_a_room(app):
    advisor_id = make_advisor(app, "berta@kts.example")
    colleague_id = make_advisor(app, "carl@kts.example", name="Carl")
    team_id = make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    admin_id = make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    with app.app_context():
        for stranger in (colleague_id, team_id):
            with pytest.raises(DomainError):
                video_links.set_room(
                    advisor_id, ROOM, db.session.get_one(StaffUser, stranger), clock.now()
                )
            db.session.rollback()
        admin = db.session.get_one(StaffUser, admin_id)
        video_links.set_room(advisor_id, ROOM, admin, clock.now())
        assert db.session.get_one(StaffUser, advisor_id).room_url == ROOM


def test_advisor_keeps_their_room_on_their_own_page(app, client):
    make_advisor(app, "berta@kts.example")
    login(client, "berta@kts.example")
    page = "/staff/beratungen/videoraum"
    too_long = "https://video.example.org/" + "x" * 480
    refused = client.post(page, data={"csrf_token": csrf_token(client, page), "room_url": too_long})
    assert "höchstens 500 Zeichen" in text(refused) and too_long in text(refused)
    saved = client.post(page, data={"csrf_token": csrf_token(client, page), "room_url": ROOM})
    assert saved.status_code == 302
    assert f'value="{ROOM}"' in text(client.get(page))


def test_pending_booking_sees_no_link_and_manage_page_button_follows_the_clock(
    app, client, smtp, travel
):
    advisor_id = make_advisor(app, "berta@kts.example", room_url=ROOM)
    start = working_day(7, 10)
    book(app, advisor_id, start, by_staff=False)
    with app.app_context():
        deliver_at(clock.now())
    [confirm] = smtp.to("kim1@kleinstadt.de")
    assert ROOM not in plain(confirm)
    for link in links_in(confirm):  # pending: no link, no button on its pages
        assert ROOM not in text(client.get(path_of(link)))

    confirm_page = next(path_of(link) for link in links_in(confirm) if "bestaetigen" in link)
    client.post(confirm_page, data={"csrf_token": csrf_token(client, confirm_page)})
    with app.app_context():
        deliver_at(clock.now())
    invitation = smtp.to("kim1@kleinstadt.de")[-1]
    assert ROOM in plain(invitation) and str(event_of(invitation)["LOCATION"]) == ROOM
    manage = next(path_of(link) for link in links_in(invitation) if "/beratung/" in link)

    lead = timedelta(minutes=app.config["JOIN_OPENS_MINUTES_BEFORE"])
    travel.move_to(start - lead - timedelta(minutes=1))
    page = text(client.get(manage))
    assert "können Sie hier teilnehmen" in page and f'<a class="button" href="{ROOM}"' not in page
    travel.move_to(start - lead + timedelta(seconds=30))
    assert f'<a class="button" href="{ROOM}"' in text(client.get(manage))
    travel.move_to(start + timedelta(hours=1, minutes=1))
    assert "Jetzt teilnehmen" not in text(client.get(manage))


def test_phone_consultations_have_no_link(app, smtp):
    advisor_id = make_advisor(app, "berta@kts.example", room_url=ROOM)
    consultation_id = book(app, advisor_id, working_day(7, 10), channel=Channel.PHONE)
    with app.app_context():
        deliver_at(clock.now())
        advisor = db.session.get_one(StaffUser, advisor_id)
        with pytest.raises(DomainError):
            video_links.set_link(consultation_id, LINK, advisor, clock.now())
        db.session.rollback()
    [invitation] = smtp.to("kim1@kleinstadt.de")
    assert ROOM not in plain(invitation) and "CONFERENCE" not in calendar_data(invitation).decode()


def test_admins_keep_an_advisors_room_and_colleagues_cannot(app, client):
    advisor_id = make_advisor(app, "berta@kts.example")
    make_advisor(app, "carl@kts.example", name="Carl")
    make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    page = f"/staff/beratungen/videoraum/{advisor_id}"
    login(client, "carl@kts.example")
    assert client.get(page).status_code == 403
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login(client, "admin@kts.example")
    saved = client.post(page, data={"csrf_token": csrf_token(client, page), "room_url": ROOM})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get_one(StaffUser, advisor_id).room_url == ROOM
