"""Staff act on one registration: open it from the date's list, cancel it at the person's
request, send its mail again, correct a mistyped address — read as staff see the pages and as
the people receive the mails."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from staff_support import as_event_team, body, calendars, deliver, register_person
from startsmart.audit.models import AuditEvent
from startsmart.extensions import db
from startsmart.municipalities.models import Person
from startsmart.registrations.models import Registration, RegistrationStatus
from support import links_in, make_date, path_of, submit, text


def page_of(date_id: int, registration_id: int, action: str = "") -> str:
    path = f"/staff/termine/{date_id}/anmeldungen/{registration_id}"
    return f"{path}/{action}" if action else path


def registration(app, registration_id: int) -> Registration:
    with app.app_context():
        found = db.session.get(Registration, registration_id)
        found.person  # noqa: B018  (load it while the session is open)
        return found


def audit(app, action: str) -> list[dict]:
    with app.app_context():
        return [
            e.details
            for e in db.session.execute(
                sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            ).scalars()
        ]


def follow(client, response) -> str:
    assert response.status_code == 302, text(response)
    return text(client.get(response.headers["Location"]))


def full_date_with_waiting_list(app) -> tuple[int, int, int, int]:
    """One seat, taken by person 1; persons 2 and 3 wait (entered by staff: their addresses
    count as confirmed, so the first to move up is invited at once). Mails delivered."""
    date_id = make_date(app, capacity=1)
    first = register_person(app, date_id, 1)
    second = register_person(app, date_id, 2)
    third = register_person(app, date_id, 3)
    deliver(app)
    return date_id, first, second, third


def test_the_list_leads_to_one_registration_with_its_history_and_mails(app, client, smtp):
    as_event_team(app, client)
    date_id, first, _second, _third = full_date_with_waiting_list(app)
    listing = text(client.get(f"/staff/termine/{date_id}"))
    assert f'href="{page_of(date_id, first)}"' in listing
    page = text(client.get(page_of(date_id, first)))
    assert "Anmeldung von Person 1" in page
    assert "person1@kommune.de" in page and ">Gemeinde 1</a> (Hessen)" in page
    assert "bestätigt" in page and "vom Team eingetragen" in page
    assert "Einladung erneut senden" in page and "E-Mail-Adresse ändern" in page
    assert "Einladung: Grundlagen der Smart City" in page  # the invitation, as sent
    waiting = text(client.get(page_of(date_id, _third)))
    assert "Platz 2 der Warteliste" in waiting
    assert "Wartelisten-Bestätigung erneut senden" in waiting
    # Another date's registration is not found under this date.
    other = make_date(app)
    assert client.get(page_of(other, first)).status_code == 404


def test_cancel_on_request_frees_the_seat_for_the_first_in_line_once(app, client, smtp):
    as_event_team(app, client)
    date_id, first, second, third = full_date_with_waiting_list(app)
    smtp.clear()
    form = page_of(date_id, first, "stornieren")
    assert 'checked id="notify"' in text(client.get(form))  # the person is told by default
    reason = "Anruf am Montag: erkrankt"
    shown = follow(client, submit(client, form, {"reason": reason, "notify": "y"}))
    assert "Die Anmeldung ist storniert; die Person erhält eine E-Mail." in shown
    assert reason in shown and "team@kts.example" in shown  # the history, from the audit log
    [mail] = smtp.to("person1@kommune.de")
    assert mail["Subject"] == "Storniert: Grundlagen der Smart City"
    assert "wie mit Ihnen besprochen, haben wir Ihre Anmeldung storniert." in body(mail)
    assert reason not in body(mail)  # the reason is for the log, not for the person
    [calendar] = calendars(mail)
    assert str(calendar["METHOD"]) == "CANCEL"
    [moved_up] = smtp.to("person2@kommune.de")
    assert moved_up["Subject"].startswith("Sie sind nachgerückt")
    assert smtp.to("person3@kommune.de") == []
    assert registration(app, first).status is RegistrationStatus.CANCELLED
    assert registration(app, second).status is RegistrationStatus.CONFIRMED
    assert audit(app, "registration.cancelled") == [{"reason": reason, "notified": True}]

    # A second try (another tab, a colleague) says so and sends nothing.
    smtp.clear()
    token_page = page_of(date_id, second)  # any page of the date gives a CSRF token
    again = follow(
        client,
        submit(client, token_page, {"reason": "doppelt", "notify": "y"}, action=form),
    )
    assert "Diese Anmeldung ist bereits storniert" in again and "keine E-Mail" in again
    assert smtp.received == []
    assert registration(app, third).status is RegistrationStatus.WAITLISTED
    assert len(audit(app, "registration.cancelled")) == 1
    # The cancel page of a cancelled registration offers no form.
    assert "es gibt nichts zu stornieren" in text(client.get(form))


def test_cancel_needs_a_reason_and_may_leave_the_person_unmailed(app, client, smtp):
    as_event_team(app, client)
    date_id, first, second, _third = full_date_with_waiting_list(app)
    smtp.clear()
    form = page_of(date_id, first, "stornieren")
    response = submit(client, form, {"reason": "   ", "notify": "y"})
    assert response.status_code == 200
    assert "Bitte füllen Sie dieses Feld aus." in text(response)
    assert registration(app, first).status is RegistrationStatus.CONFIRMED
    shown = follow(client, submit(client, form, {"reason": "Per Telefon storniert"}))
    assert "es wurde keine E-Mail verschickt" in shown
    assert "ohne E-Mail an die Person" in shown
    assert smtp.to("person1@kommune.de") == []
    assert len(smtp.to("person2@kommune.de")) == 1  # the seat still goes on
    assert registration(app, second).status is RegistrationStatus.CONFIRMED


def test_resend_the_invitation_updates_the_same_calendar_entry_once(app, client, smtp, travel):
    as_event_team(app, client)
    date_id = make_date(app)
    first = register_person(app, date_id, 1)
    deliver(app)
    [original] = smtp.to("person1@kommune.de")
    detail = page_of(date_id, first)
    resend = page_of(date_id, first, "erneut-senden")
    # Just sent with the registration: a resend now would be the second within minutes.
    refused = follow(client, submit(client, detail, {}, action=resend))
    assert "Einladung ging erst um" in refused and "keine weitere E-Mail" in refused
    travel.shift(timedelta(minutes=6))
    smtp.clear()
    shown = follow(client, submit(client, detail, {}, action=resend))
    assert "Einladung ist unterwegs an person1@kommune.de." in shown
    [again] = smtp.to("person1@kommune.de")
    [before], [after] = calendars(original), calendars(again)
    event_before, event_after = before.walk("VEVENT")[0], after.walk("VEVENT")[0]
    assert str(after["METHOD"]) == "REQUEST"
    assert event_after["UID"] == event_before["UID"]
    assert event_after["SEQUENCE"] == event_before["SEQUENCE"]
    # The double click: refused, still one mail.
    twice = follow(client, submit(client, detail, {}, action=resend))
    assert "Einladung ging erst um" in twice
    assert len(smtp.to("person1@kommune.de")) == 1
    assert [d["kind"] for d in audit(app, "registration.resent")] == ["registration_invitation"]
    assert "E-Mail zur Anmeldung erneut gesendet" in shown


def test_resend_the_confirmation_link_keeps_the_old_link_working(app, client, smtp, travel):
    as_event_team(app, client)
    date_id = make_date(app)
    pending = register_person(app, date_id, 1, by_staff=False)
    deliver(app)
    [first_mail] = smtp.to("person1@kommune.de")
    travel.shift(timedelta(minutes=6))
    smtp.clear()
    detail = page_of(date_id, pending)
    assert "Bestätigungslink erneut senden" in text(client.get(detail))
    shown = follow(
        client, submit(client, detail, {}, action=page_of(date_id, pending, "erneut-senden"))
    )
    assert "Bestätigungslink ist unterwegs" in shown
    [second_mail] = smtp.to("person1@kommune.de")
    assert second_mail["Subject"].startswith("Bitte bestätigen Sie Ihre Anmeldung")
    old_link = [path_of(u) for u in links_in(first_mail) if "/anmeldung/" in u][0]
    new_link = [path_of(u) for u in links_in(second_mail) if "/anmeldung/" in u][0]
    assert old_link != new_link
    visitor = app.test_client()
    assert visitor.get(old_link).status_code == 200
    assert visitor.get(new_link).status_code == 200


def test_correct_a_mistyped_address_and_invite_the_right_one(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    first = register_person(app, date_id, 1)
    deliver(app)
    [old_mail] = smtp.to("person1@kommune.de")
    old_link = [path_of(u) for u in links_in(old_mail) if "/anmeldung/" in u][0]
    smtp.clear()
    form = page_of(date_id, first, "e-mail")
    page = text(client.get(form))
    assert "Bisherige Adresse: person1@kommune.de" in page and "gilt nur für" not in page
    shown = follow(client, submit(client, form, {"email": "Kim@Lübeck.de", "notify": "y"}))
    assert "Die E-Mail-Adresse ist geändert: person1@kommune.de → kim@lübeck.de." in shown
    assert "Einladung ist unterwegs an kim@lübeck.de." in shown
    assert "person1@kommune.de → kim@lübeck.de" in shown  # the history
    [invitation] = smtp.to("kim@xn--lbeck-kva.de")
    assert str(calendars(invitation)[0]["METHOD"]) == "REQUEST"
    assert smtp.to("person1@kommune.de") == []
    assert registration(app, first).person.email == "kim@lübeck.de"
    assert audit(app, "registration.email_changed") == [
        {"old": "person1@kommune.de", "new": "kim@lübeck.de", "mail": "registration_invitation"}
    ]
    # The link mailed to the wrong address opens nothing any more.
    assert app.test_client().get(old_link).status_code == 410


def test_an_address_registered_for_the_same_date_is_refused(app, client, smtp):
    as_event_team(app, client)
    date_id = make_date(app)
    first = register_person(app, date_id, 1)
    register_person(app, date_id, 2)
    form = page_of(date_id, first, "e-mail")
    response = submit(client, form, {"email": "person2@kommune.de", "notify": "y"})
    assert response.status_code == 200
    page = text(response)
    assert "Mit dieser Adresse ist schon jemand für diesen Termin angemeldet (Person 2" in page
    assert 'value="person2@kommune.de"' in page
    assert registration(app, first).person.email == "person1@kommune.de"
    response = submit(client, form, {"email": "kein-at-zeichen"})
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in text(response)
    response = submit(client, form, {"email": "person1@kommune.de"})
    assert "Das ist schon die Adresse dieser Anmeldung." in text(response)
    assert audit(app, "registration.email_changed") == []


def test_other_registrations_of_the_address_keep_it(app, client, smtp):
    as_event_team(app, client)
    here, there = make_date(app), make_date(app, starts_in=timedelta(days=20))
    mine = register_person(app, here, 1)
    other = register_person(app, there, 1)
    form = page_of(here, mine, "e-mail")
    page = text(client.get(form))
    assert "Die Änderung gilt nur für diese Anmeldung." in page
    assert "behalten die bisherige Adresse" in page
    follow(client, submit(client, form, {"email": "person1@stadt.de"}))
    assert registration(app, mine).person.email == "person1@stadt.de"
    assert registration(app, other).person.email == "person1@kommune.de"
    assert registration(app, mine).person.name == "Person 1"
    assert smtp.to("person1@stadt.de") == []  # not asked for


def test_an_address_already_known_takes_the_registration(app, client, smtp):
    as_event_team(app, client)
    here, there = make_date(app), make_date(app, starts_in=timedelta(days=20))
    typo = register_person(app, here, 1, name="Kim Tippfehler")
    register_person(app, there, 9, name="Kim Richtig")
    shown = follow(
        client, submit(client, page_of(here, typo, "e-mail"), {"email": "person9@kommune.de"})
    )
    assert "Die neue Adresse war schon bekannt (Kim Richtig)" in shown
    moved = registration(app, typo)
    assert (moved.person.email, moved.person.name) == ("person9@kommune.de", "Kim Richtig")
    with app.app_context():  # the row of the mistyped address is gone, nobody else's changed
        emails = db.session.execute(sa.select(Person.email).order_by(Person.email)).scalars()
        assert list(emails) == ["person9@kommune.de"]
