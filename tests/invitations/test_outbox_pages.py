"""The outbox as staff read it: search by recipient and subject, pages beyond 100, and one
message taken apart (headers, text, calendar part) without the person's personal links."""

from __future__ import annotations

import re

from outbox_support import deliver_at
from startsmart import clock
from startsmart.extensions import db
from startsmart.invitations.compose import Recipient
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


def test_one_message_shows_headers_text_and_calendar_but_not_the_personal_link(
    app, client, smtp
):
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
