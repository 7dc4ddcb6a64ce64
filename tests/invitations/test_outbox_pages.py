"""The outbox as staff read it: search by recipient and subject, pages beyond 100, and one
message taken apart (headers, text, calendar part) without the person's personal links, with
its delivery attempts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart import clock
from startsmart.clock import BERLIN
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
from startsmart.invitations.models import (
    AttemptOutcome,
    DeliveryAttempt,
    OutboxMessage,
    OutboxStatus,
)
from startsmart.invitations.outbox import queue_mail
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from startsmart.staff.models import Role
from support import links_in, login, make_date, make_staff, text


def queue(to: str, subject: str) -> None:
    queue_mail(
        to=Recipient(email=to, name="Kim"),
        template="staff_message",
        context={"subject": subject, "text": "Der Raum hat sich geändert."},
        now=clock.now(),
        reference="test:1",
    )


def rows(page: str) -> list[str]:
    """The recipients listed, in order."""
    return re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]+)</td>", page)


def test_search_by_recipient_or_subject_and_pages_beyond_100(app, client):
    with app.app_context():
        for number in range(130):
            queue(f"person{number}@beispielstadt.de", f"Hinweis {number}")
        queue("ines@amt-nord.de", "Raumänderung Kiel")
        db.session.commit()
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")

    first = text(client.get("/staff/postausgang/"))
    assert len(rows(first)) == 100 and "Seite 1 von 2" in first
    assert rows(first)[0] == "ines@amt-nord.de"  # newest first
    second = text(client.get("/staff/postausgang/?seite=2"))
    assert len(rows(second)) == 31 and "person0@beispielstadt.de" in rows(second)
    assert rows(text(client.get("/staff/postausgang/?seite=99"))) == rows(second)

    found = text(client.get("/staff/postausgang/?q=PERSON12"))
    assert sorted(rows(found)) == sorted(
        f"person{n}@beispielstadt.de" for n in (12, *range(120, 130))
    )
    assert "11 Nachrichten gefunden." in found
    assert rows(text(client.get("/staff/postausgang/?q=raumänderung"))) == ["ines@amt-nord.de"]
    assert rows(text(client.get("/staff/postausgang/?q=100%25"))) == []  # % is no wildcard
    assert rows(text(client.get("/staff/postausgang/?q=nord&status=failed"))) == []


def test_one_message_shows_headers_text_and_calendar_but_not_the_personal_link(app, client, smtp):
    date_id = make_date(app)
    with app.app_context():
        applicant = service.Applicant(
            name="Kim Kommune",
            email="kim@flensburg.de",
            function="",
            municipality=MunicipalityInput("Flensburg", FederalState.SH, MunicipalityKind.CITY),
        )
        service.register(date_id, applicant, clock.now(), by_staff=True)
        deliver_at(clock.now())
    [invitation] = smtp.to("kim@flensburg.de")
    manage = next(u for u in links_in(invitation) if "/anmeldung/" in u)
    token = manage.rsplit("/anmeldung/", 1)[1].split("/")[0]
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")

    listing = text(client.get("/staff/postausgang/?q=kim@flensburg"))
    path = re.search(r'href="(/staff/postausgang/\d+)"', listing).group(1)
    page = text(client.get(path))
    assert invitation["Subject"] in page and invitation["Message-ID"].strip("<>") in page
    assert "kim@flensburg.de" in page and "gesendet" in page
    assert "Kalenderteil (REQUEST)" in page and "BEGIN:VEVENT" in page
    assert "https://konferenz.example.org/raum-1" in page  # the text as sent
    assert token not in page and f"/anmeldung/{token[:4]}…" in page
    assert client.get("/staff/postausgang/999999").status_code == 404


def attempt_rows(page: str) -> list[list[str]]:
    """The delivery attempts table, row by row, each as its cells' text."""
    table = page.split('class="delivery-attempts"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def message_path(client, recipient: str) -> str:
    listing = text(client.get(f"/staff/postausgang/?q={recipient}"))
    return re.search(r'href="(/staff/postausgang/\d+)"', listing).group(1)


@pytest.mark.time_sensitive
def test_the_message_page_lists_every_delivery_attempt_newest_first_with_the_refusal(
    app, client, smtp
):
    smtp.handler.refuse["ines"] = "451 4.7.1 <ines@amt-nord.de>: greylisted, try again later"
    with app.app_context():
        queue("ines@amt-nord.de", "Raumänderung Kiel")
        db.session.commit()
        first_try = clock.now()
        report = deliver_at(first_try, worker="mailhost-a:4101")
        assert (report.sent, report.retrying) == (0, 1)
        smtp.handler.refuse.clear()
        second_try = first_try + timedelta(minutes=2, seconds=7)  # after the first delay (60 s)
        assert deliver_at(second_try, worker="mailhost-b:4202").sent == 1
    [received] = smtp.to("ines@amt-nord.de")
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")

    page = text(client.get(message_path(client, "ines@amt-nord")))
    assert "Zustellversuche" in page
    newest, oldest = attempt_rows(page)
    seconds = "%d.%m.%Y, %H:%M:%S"
    assert newest == [
        "2",
        second_try.astimezone(BERLIN).strftime(seconds),
        "gesendet",
        "250 Message accepted for delivery",
        "mailhost-b:4202",
    ]
    assert oldest == [
        "1",
        first_try.astimezone(BERLIN).strftime(seconds),
        "vorübergehender Fehler",
        "451 4.7.1 &lt;ines@amt-nord.de&gt;: greylisted, try again later",
        "mailhost-a:4101",
    ]
    assert received["Subject"] == "Raumänderung Kiel"


def test_a_message_not_yet_tried_says_so(app, client):
    with app.app_context():
        queue("ines@amt-nord.de", "Raumänderung Kiel")
        db.session.commit()
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get(message_path(client, "ines@amt-nord")))
    assert "Noch kein Zustellversuch." in page and 'class="delivery-attempts"' not in page


def test_a_long_answer_with_the_smtp_password_is_kept_short_and_without_it_with_the_status(
    app, client, smtp
):
    """The attempt is written in the transaction that settles the message: an answer longer
    than its column (PostgreSQL refuses it) would lose the status too, so it is cut; a relay
    that quotes the SMTP password does not put it on the page."""
    chatter = " ".join(f"zeile{n}" for n in range(300))
    smtp.handler.refuse["ines"] = f"554-5.7.1 rejected, password geheim-4711 wrong\r\n554 {chatter}"
    app.config["MAIL_PASSWORD"] = "geheim-4711"  # no user name: the transport does not log in
    try:
        with app.app_context():
            queue("ines@amt-nord.de", "Raumänderung Kiel")
            db.session.commit()
            assert deliver_at(clock.now()).failed == 1
            message = db.session.execute(sa.select(OutboxMessage)).scalar_one()
            assert message.status is OutboxStatus.FAILED and message.attempts == 1
            [attempt] = db.session.execute(sa.select(DeliveryAttempt)).scalars().all()
            assert attempt.outcome is AttemptOutcome.PERMANENT and attempt.number == 1
            assert len(attempt.reply) == 500 and attempt.reply.endswith("…")
            assert attempt.reply.startswith("554 5.7.1 rejected, password […] wrong zeile0 ")
            assert message.last_error == attempt.reply
    finally:
        app.config["MAIL_PASSWORD"] = None
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get(message_path(client, "ines@amt-nord")))
    [[number, _at, outcome, reply, _worker]] = attempt_rows(page)
    assert (number, outcome) == ("1", "dauerhafter Fehler")
    assert "geheim-4711" not in page and reply.startswith("554 5.7.1 rejected")
