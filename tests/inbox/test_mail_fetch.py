"""`flask mail fetch` against a real Dovecot: calendar answers and bounces change what they
should, once, and everything else stays in the mailbox for the team."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

import inbox_letters as letters
from consultation_support import booking_request, make_advisor
from moments import working_day
from staff_support import as_event_team, calendars, deliver, register_person
from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.inbox.imap import KEYWORD
from startsmart.inbox.models import CalendarAnswer, ProcessedMail
from startsmart.inbox.service import read_mailbox
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState, Person
from startsmart.registrations import reminders, service
from startsmart.registrations.models import Registration, RegistrationStatus
from support import known_towns, links_in, login, make_date, text

DONE = {"\\Seen", KEYWORD}


@pytest.fixture(autouse=True)
def towns(app):
    known_towns(app, FederalState.HE, [f"Gemeinde {number}" for number in range(1, 5)])


def full_date_with_a_waiting_person(app, smtp) -> tuple[int, int, int]:
    """One seat: person 1 has it (invited), person 2 waits with a confirmed address."""
    date_id = make_date(app, capacity=1)
    first = register_person(app, date_id, 1)
    second = register_person(app, date_id, 2)
    deliver(app)
    with app.app_context():
        assert db.session.get(Registration, second).status is RegistrationStatus.WAITLISTED
    return date_id, first, second


def fetch(app) -> None:
    with app.app_context():
        read_mailbox(app.config, clock.now())


def registration(app, registration_id: int) -> Registration:
    with app.app_context():
        found = db.session.get_one(Registration, registration_id)
        db.session.expunge(found)
        return found


def invitations_to(app, address: str) -> int:
    with app.app_context():
        return db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == address,
                OutboxMessage.kind == "registration_invitation",
            )
        ).scalar_one()


def test_a_decline_frees_the_seat_for_the_first_waiting_once_however_often_it_is_read(
    app, smtp, client, mailbox
):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
    declined = letters.reply(invitation, "DECLINED", "person1@kommune.de")
    mailbox.append(declined)
    smtp.clear()

    fetch(app)
    fetch(app)
    mailbox.append(declined)  # the same message again (forwarded back, restored from a backup)
    fetch(app)

    assert registration(app, first).status is RegistrationStatus.CANCELLED
    assert registration(app, first).answer is CalendarAnswer.DECLINED
    promoted = registration(app, second)
    assert promoted.status is RegistrationStatus.CONFIRMED and promoted.promoted_at
    assert invitations_to(app, "person2@kommune.de") == 1
    assert mailbox.flags() == [DONE, DONE]
    # The person is told as by their own cancellation: the calendar entry goes (CANCEL).
    deliver(app)
    told = smtp.to("person1@kommune.de")
    assert len(told) == 1 and [str(c["METHOD"]) for c in calendars(told[0])] == ["CANCEL"]
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(ProcessedMail.id))).scalar_one() == 1
    # Staff see why, once, in the registration's history.
    as_event_team(app, client)
    page = text(client.get(f"/staff/termine/{date_id}/anmeldungen/{first}"))
    assert page.count("Anmeldung storniert (Absage aus dem Kalender)") == 1
    assert "Kalender: abgelehnt" in page


def test_two_readers_at_once_cancel_and_promote_once(app, smtp, mailbox):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
    declined = letters.reply(invitation, "DECLINED", "person1@kommune.de")
    mailbox.append(declined)
    mailbox.append(declined)  # two copies: each reader may take a different one first
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def reader() -> None:
        with app.app_context():
            barrier.wait()
            try:
                read_mailbox(app.config, clock.now())
            except BaseException as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert registration(app, first).status is RegistrationStatus.CANCELLED
    assert registration(app, second).status is RegistrationStatus.CONFIRMED
    assert invitations_to(app, "person2@kommune.de") == 1
    with app.app_context():
        cancels = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == "person1@kommune.de",
                OutboxMessage.kind != "registration_invitation",
            )
        ).scalar_one()
    assert cancels == 1
    assert mailbox.flags() == [DONE, DONE]


def test_accepted_and_tentative_show_on_the_participant_list(app, smtp, client, mailbox):
    date_id = make_date(app, capacity=5)
    register_person(app, date_id, 1)
    register_person(app, date_id, 2)
    deliver(app)
    mailbox.append(
        letters.reply(
            letters.invitation_in(smtp.to("person1@kommune.de")), "ACCEPTED", "person1@kommune.de"
        )
    )
    mailbox.append(
        letters.reply(
            letters.invitation_in(smtp.to("person2@kommune.de")),
            "TENTATIVE",
            "person2@kommune.de",
        )
    )
    fetch(app)

    as_event_team(app, client)
    page = text(client.get(f"/staff/termine/{date_id}"))
    assert "Kalender: zugesagt" in page
    assert "Kalender: vorbehaltlich zugesagt" in page
    assert mailbox.flags() == [DONE, DONE]


def test_a_bounce_marks_the_address_and_stops_the_reminder_until_confirmed_again(
    app, smtp, client, mailbox
):
    date_id = make_date(app, capacity=5, starts_in=timedelta(days=3))
    registered = register_person(app, date_id, 1)
    deliver(app)
    manage = next(u for u in links_in(smtp.to("person1@kommune.de")[-1]) if "/anmeldung/" in u)
    mailbox.append(letters.bounce("person1@kommune.de", action="delayed", status="4.4.1"))
    mailbox.append(letters.bounce("person1@kommune.de"))
    fetch(app)

    with app.app_context():
        person = db.session.execute(
            sa.select(Person).where(Person.email == "person1@kommune.de")
        ).scalar_one()
        assert person.undeliverable_at is not None
        assert "5.1.1" in person.undeliverable_reason
        starts = db.session.get_one(Registration, registered).event_date.starts_at
        assert reminders.send_due(starts - timedelta(hours=23)) == 0
    # A delay is no failure: it is left for the team; the failure is done.
    assert mailbox.flags() == [set(), DONE]
    as_event_team(app, client)
    assert "unzustellbar seit" in text(client.get(f"/staff/termine/{date_id}"))

    # The person opens a link from our mail and confirms: the address works again.
    token = manage.split("/anmeldung/")[1].split("/")[0]
    with app.app_context():
        service.confirm(token, clock.now())
        assert reminders.send_due(starts - timedelta(hours=22)) == 1


def test_auto_replies_are_ignored(app, smtp, mailbox):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    mailbox.append(letters.out_of_office("person1@kommune.de"))
    fetch(app)
    assert registration(app, first).status is RegistrationStatus.CONFIRMED
    assert registration(app, first).answer is None
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(ProcessedMail.id))).scalar_one() == 0
    assert mailbox.flags() == [DONE]


def test_a_broken_message_is_skipped_and_the_next_one_still_read(app, smtp, mailbox, caplog):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
    mailbox.append(letters.broken_reply("person1@kommune.de"))
    mailbox.append(b"\x00\xff not a mail at all")
    mailbox.append(letters.reply(invitation, "DECLINED", "person1@kommune.de"))
    fetch(app)
    assert registration(app, first).status is RegistrationStatus.CANCELLED
    assert registration(app, second).status is RegistrationStatus.CONFIRMED
    assert mailbox.flags() == [set(), set(), DONE]
    assert "skipped" in caplog.text


def test_what_matches_no_event_and_person_stays_unread(app, smtp, mailbox):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
    uid = str(invitation.walk("VEVENT")[0]["UID"])
    # Somebody else answers with a forwarded invitation; a UID of no registration; another
    # instance's UID (a different domain); and a person's ordinary mail.
    mailbox.append(letters.reply(invitation, "DECLINED", "kollege@kommune.de"))
    mailbox.append(
        letters.reply(invitation, "DECLINED", "person1@kommune.de", uid="registration-999999@x")
    )
    mailbox.append(
        letters.reply(
            invitation,
            "DECLINED",
            "person1@kommune.de",
            uid=uid.split("@")[0] + "@staging.example",
        )
    )
    mailbox.append(letters.out_of_office("person1@kommune.de").replace(b"Auto-Submitted", b"X-N"))
    fetch(app)
    assert registration(app, first).status is RegistrationStatus.CONFIRMED
    assert registration(app, second).status is RegistrationStatus.WAITLISTED
    # The last one is still an out-of-office by its X-Autoreply header: ignored, so marked.
    assert mailbox.flags() == [set(), set(), set(), DONE]


def answer_of(app, consultation_id: int) -> CalendarAnswer | None:
    """The consultation's answer from the calendar; it stays confirmed whatever it is."""
    with app.app_context():
        consultation = db.session.get_one(Consultation, consultation_id)
        assert consultation.status is ConsultationStatus.CONFIRMED
        return consultation.answer


def test_a_declined_consultation_is_shown_to_the_advisor_and_not_cancelled(
    app, smtp, client, mailbox
):
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        booked = booking.book(booking_request(working_day(), 1), clock.now(), by_staff=True)
    deliver(app)
    invitation = letters.invitation_in(smtp.to("kim1@kleinstadt.de"))
    mailbox.append(letters.reply(invitation, "DECLINED", "kim1@kleinstadt.de"))
    fetch(app)
    assert answer_of(app, booked.consultation_id) is CalendarAnswer.DECLINED
    login(client, "berta@kts.example")
    assert "Kalender: abgelehnt" in text(client.get("/staff/beratungen/"))
    detail = text(client.get(f"/staff/beratungen/{booked.consultation_id}"))
    assert "Die Kommune hat im Kalender abgelehnt" in detail
    assert mailbox.flags() == [DONE]

    # The advisor's own calendar answers too: nothing changes, and nobody has to read it.
    advisor_copy = letters.invitation_in(smtp.to("berta@kts.example"))
    mailbox.append(letters.reply(advisor_copy, "ACCEPTED", "berta@kts.example"))
    fetch(app)
    assert answer_of(app, booked.consultation_id) is CalendarAnswer.DECLINED
    assert mailbox.flags() == [DONE, DONE]


def test_fetch_once_from_the_command_line(app, smtp, mailbox):
    date_id, first, second = full_date_with_a_waiting_person(app, smtp)
    invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
    mailbox.append(letters.reply(invitation, "DECLINED", "person1@kommune.de"))
    result = app.test_cli_runner().invoke(args=["mail", "fetch", "--once"])
    assert result.exit_code == 0, result.output
    assert "acted on 1" in result.output
    assert registration(app, first).status is RegistrationStatus.CANCELLED


def test_fetch_without_a_mailbox_says_what_to_set(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_IMAP_HOST", None)
    result = app.test_cli_runner().invoke(args=["mail", "fetch", "--once"])
    assert result.exit_code != 0
    assert "STARTSMART_MAIL_IMAP_HOST" in result.output
