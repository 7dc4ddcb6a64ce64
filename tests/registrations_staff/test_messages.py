"""Staff write to everybody registered for a date: one mail each, recorded on the date page."""

from __future__ import annotations

import sqlalchemy as sa

from staff_support import as_event_team, body, deliver, register_person
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.registrations.models import StaffMessage
from support import make_date, submit, text


def setup_date(app) -> int:
    date_id = make_date(app, capacity=1)
    register_person(app, date_id, 1)  # confirmed
    register_person(app, date_id, 2)  # waiting list
    register_person(app, date_id, 3, by_staff=False)  # waiting list, unconfirmed address
    deliver(app)  # the mails of registering, out of the way
    return date_id


def staff_messages(app) -> list[StaffMessage]:
    with app.app_context():
        return list(db.session.execute(sa.select(StaffMessage)).scalars())


def test_confirmed_only_by_default(app, client, smtp):
    as_event_team(app, client)
    date_id = setup_date(app)
    page = f"/staff/termine/{date_id}/nachricht"
    form = text(client.get(page))
    assert 'value="Ihr Termin „Grundlagen der Smart City“ am' in form
    assert 'checked id="to_confirmed"' in form and 'checked id="to_pending"' not in form
    smtp.clear()
    response = submit(
        client,
        page,
        {
            "subject": "Raum geändert",
            "text": "Wir treffen uns in Raum 4.\r\n\r\nBis bald!",
            "to_confirmed": "y",
        },
    )
    assert response.status_code == 302
    assert "Die Nachricht geht an 1 Person." in text(client.get(response.headers["Location"]))
    [mail] = smtp.to("person1@kommune.de")
    assert mail["Subject"] == "Raum geändert"
    assert "Guten Tag Person 1," in body(mail) and "Wir treffen uns in Raum 4." in body(mail)
    assert smtp.to("person2@kommune.de") == []
    [record] = staff_messages(app)
    assert (record.recipients, record.statuses, record.subject) == (1, "confirmed", "Raum geändert")
    assert record.text == "Wir treffen uns in Raum 4.\n\nBis bald!"
    date_page = text(client.get(f"/staff/termine/{date_id}"))
    assert "Raum geändert" in date_page and "an 1 Person" in date_page and "Eva Event" in date_page


def test_waiting_list_and_pending_on_request(app, client, smtp):
    as_event_team(app, client)
    date_id = setup_date(app)
    smtp.clear()
    submit(
        client,
        f"/staff/termine/{date_id}/nachricht",
        {"subject": "Warteliste", "text": "Es gibt Hoffnung.", "to_waitlisted": "y"},
    )
    assert len(smtp.to("person2@kommune.de")) == 1 and len(smtp.to("person3@kommune.de")) == 1
    assert smtp.to("person1@kommune.de") == []
    [record] = staff_messages(app)
    assert record.recipients == 2 and record.statuses == "waitlisted"


def test_nobody_chosen_or_nobody_there_sends_nothing(app, client, smtp):
    as_event_team(app, client)
    date_id = setup_date(app)
    page = f"/staff/termine/{date_id}/nachricht"
    smtp.clear()
    response = submit(client, page, {"subject": "Hallo", "text": "Text"})
    assert "mindestens eine Gruppe" in text(response) and 'value="Hallo"' in text(response)
    response = submit(client, page, {"subject": "Hallo", "text": "Text", "to_pending": "y"})
    assert "niemand angemeldet" in text(response)
    assert staff_messages(app) == [] and smtp.received == []
    with app.app_context():
        assert (
            db.session.execute(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.kind == "staff_message"
                )
            ).scalar()
            == 0
        )


def test_bad_input_is_explained_and_kept(app, client, smtp):
    as_event_team(app, client)
    date_id = setup_date(app)
    page = f"/staff/termine/{date_id}/nachricht"
    smtp.clear()
    for data, field in (
        ({"subject": "", "text": "Text"}, "subject"),
        ({"subject": "Betreff", "text": "   "}, "text"),
        ({"subject": "x" * 10_000, "text": "Text"}, "subject"),
        ({"subject": "Betreff", "text": "x" * 10_000}, "text"),
    ):
        response = submit(client, page, {**data, "to_confirmed": "y"})
        assert response.status_code == 200 and f'id="{field}-error"' in text(response)
    assert staff_messages(app) == [] and smtp.received == []


def test_a_subject_with_line_breaks_becomes_one_line(app, client, smtp):
    as_event_team(app, client)
    date_id = setup_date(app)
    smtp.clear()
    submit(
        client,
        f"/staff/termine/{date_id}/nachricht",
        {"subject": "Hallo\r\nBcc: alle@example.org", "text": "<b>Text</b>", "to_confirmed": "y"},
    )
    [mail] = smtp.to("person1@kommune.de")
    assert mail["Subject"] == "Hallo Bcc: alle@example.org" and mail["Bcc"] is None
    html = mail.get_body(("html",)).get_content()
    assert "<b>Text</b>" not in html and "&lt;b&gt;Text&lt;/b&gt;" in html
