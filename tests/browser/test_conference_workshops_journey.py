"""Issue 19's journey in Chromium with the real SMTP sink: staff build a regional conference's
programme with two parallel workshops of three places; five people register on the public page,
all choosing the same workshop, and confirm from their mail; the fourth and fifth wait; a seated
one cancels through the manage link; the first in line is promoted exactly once, and every
personal calendar (the iTIP parts of the mails they received) says what is true."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from moments import today
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState
from startsmart.staff.models import Role
from support import DEFAULT_PASSWORD, known_towns, links_in, make_staff, path_of

pytestmark = pytest.mark.browser

TEAM = "team@kts.example"
CONFERENCE = "Regionalkonferenz Nord"
WORKSHOP = "Workshop Offene Daten"
OTHER = "Workshop Smarte Straßen"
# Five people, each from their own town (verified: no shared limit of invented names).
PEOPLE = [
    ("Ada Alt", "ada@husum.de", "Husum"),
    ("Ben Berg", "ben@kiel.de", "Kiel"),
    ("Cem Cel", "cem@luebeck.de", "Lübeck"),
    ("Dana Dorn", "dana@heide.de", "Heide"),
    ("Emil Eck", "emil@wedel.de", "Wedel"),
]


def calendar_parts(message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(part.get_content())
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def entries(smtp, address: str) -> list[tuple[str, str, str, int]]:
    """(METHOD, SUMMARY, UID, SEQUENCE) of every calendar entry mailed to ``address``, in the
    order the mails arrived."""
    return [
        (str(calendar["METHOD"]), str(event["SUMMARY"]), str(event["UID"]), int(event["SEQUENCE"]))
        for message in smtp.to(address)
        for calendar in calendar_parts(message)
        for event in calendar.walk("VEVENT")
    ]


def about(found, summary: str) -> list[tuple[str, str, int]]:
    """(METHOD, UID, SEQUENCE) of the entries of ``found`` called ``summary``."""
    return [(method, uid, sequence) for method, title, uid, sequence in found if title == summary]


def figure(page, term: str):
    """The number under ``term`` in the figures at the top of a staff page."""
    return (
        page.locator("dl.figures > div")
        .filter(has=page.get_by_text(term, exact=True))
        .locator("dd")
    )


def log_in(page) -> None:
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(TEAM)
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()


def add_session(page, kind: str, title: str, starts: str, ends: str, room: str, places=None):
    page.get_by_role("link", name="Programmpunkt hinzufügen").click()
    page.get_by_label("Art des Programmpunkts").select_option(label=kind)
    page.get_by_label("Titel (Deutsch)").fill(title)
    page.get_by_label("Beginn (Uhrzeit)").fill(starts)
    page.get_by_label("Ende (Uhrzeit)").fill(ends)
    page.get_by_label("Raum").fill(room)
    if places is not None:
        page.get_by_label("Begrenzte Plätze").fill(str(places))
    page.get_by_role("button", name="Programmpunkt anlegen").click()
    expect(page.get_by_text(f"Der Programmpunkt „{title}“ ist angelegt.")).to_be_visible()


def build_programme(page) -> tuple[int, str]:
    """The conference and its programme, through the staff pages; its id and public path."""
    day = today() + timedelta(days=30)
    page.goto("/staff/regionalkonferenzen/neu")
    page.get_by_label("Titel (Deutsch)").fill(CONFERENCE)
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("Beginn (Uhrzeit)").fill("09:00")
    page.get_by_label("Ende (Uhrzeit)").fill("17:00")
    page.get_by_label("Stadt").fill("Flensburg")
    page.get_by_label("Veranstaltungsort").fill("Rathaus Flensburg, Am Pferdewasser 14")
    page.get_by_label("Plätze", exact=True).fill("50")
    page.get_by_role("button", name="Konferenz anlegen").click()
    expect(page.get_by_text(f"Die Regionalkonferenz „{CONFERENCE}“ ist angelegt.")).to_be_visible()
    conference_id = int(re.search(r"/regionalkonferenzen/(\d+)", page.url).group(1))

    add_session(page, "Plenum", "Begrüßung", "09:00", "10:00", "Großer Saal")
    add_session(page, "Workshop", WORKSHOP, "10:30", "12:00", "Raum 1", places=3)
    add_session(page, "Workshop", OTHER, "10:30", "12:00", "Raum 2", places=3)
    programme = page.get_by_role("region", name="Programmpunkte in zeitlicher Reihenfolge")
    expect(programme.get_by_role("row")).to_have_count(4)  # a header and three sessions

    page.get_by_role("link", name="Öffentliches Programm").click()
    expect(page.get_by_text(WORKSHOP)).to_be_visible()
    return conference_id, urlsplit(page.url).path.removesuffix("/programm")


def register(page, public_path: str, smtp, number: int, places_shown: str):
    """Person ``number`` (1 to 5) registers on ``page``, choosing the workshop (the form shows
    ``places_shown`` for it), and confirms from the mail; ``page`` ends on their manage page."""
    name, address, town = PEOPLE[number - 1]
    page.goto(public_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(CONFERENCE)
    page.get_by_role("link", name=re.compile("^Zur Anmeldung")).click()
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_role("textbox", name="E-Mail-Adresse").fill(address)
    page.get_by_label("Ihre Funktion").fill("Digitalisierung")
    page.get_by_label("Ihre Kommune").fill(town)
    page.get_by_label("Bundesland").select_option("SH")
    page.get_by_label("Art der Kommune").select_option("town")
    slot = page.get_by_role("group", name=re.compile("^Programmpunkt ab 10:30 Uhr"))
    choice = slot.get_by_role("radio", name=re.compile(f"^{WORKSHOP}"))
    expect(choice).to_have_accessible_description(places_shown)
    choice.check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")

    # The live server delivers queued mail right after the request that queued it (the
    # tests' MAIL_DELIVERY): the page shown means the mail is in the sink.
    [request] = smtp.to(address)
    page.goto(path_of(next(u for u in links_in(request) if "/bestaetigen" in u)))
    page.get_by_role("button", name="Ja, ich bestätige meine Anmeldung").click()
    expect(page.get_by_text("Ihre Anmeldung ist bestätigt")).to_be_visible()
    return page


def test_two_parallel_workshops_wait_cancel_promote_and_calendars(app, page, fresh_page, smtp):
    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Tom Team")
    known_towns(app, FederalState.SH, [town for _, _, town in PEOPLE])
    log_in(page)
    conference_id, public_path = build_programme(page)

    shown = ["noch 3 Plätze frei", "noch 2 Plätze frei", "noch 1 Platz frei"]
    people = [
        register(fresh_page(), public_path, smtp, number, places)
        for number, places in enumerate([*shown, "Warteliste", "Warteliste"], start=1)
    ]
    workshops = [p.get_by_role("region", name="Ihre Workshops") for p in people]
    for section in workshops[:3]:
        expect(section).to_contain_text(
            f"{WORKSHOP} (10:30 bis 12:00 Uhr, Raum 1): Sie haben dort einen Platz."
        )
    expect(workshops[3]).to_contain_text(
        f"{WORKSHOP} (10:30 bis 12:00 Uhr, Raum 1): Platz 1 der Warteliste"
    )
    expect(workshops[4]).to_contain_text(
        f"{WORKSHOP} (10:30 bis 12:00 Uhr, Raum 1): Platz 2 der Warteliste"
    )

    # Ada cancels from her manage page.
    ada = people[0]
    ada.get_by_role("link", name="Anmeldung stornieren").click()
    ada.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    expect(ada.get_by_text("Ihre Anmeldung ist storniert.")).to_be_visible()

    for person in people[3:]:
        person.reload()
    expect(workshops[3]).to_contain_text(
        f"{WORKSHOP} (10:30 bis 12:00 Uhr, Raum 1): Sie haben dort einen Platz."
    )
    expect(workshops[4]).to_contain_text(
        f"{WORKSHOP} (10:30 bis 12:00 Uhr, Raum 1): Platz 1 der Warteliste"
    )

    # Staff: the workshop's list.
    page.goto(f"/staff/regionalkonferenzen/{conference_id}")
    page.get_by_role("link", name=f"Teilnehmende – {WORKSHOP}").click()
    expect(figure(page, "belegt")).to_have_text("3")
    expect(figure(page, "Warteliste")).to_have_text("1")
    table = page.get_by_role(
        "region", name="Wer einen Platz hat, dann die Warteliste in ihrer Reihenfolge"
    )
    rows = table.get_by_role("row")
    expect(rows).to_have_count(5)
    for name in ("Ben Berg", "Cem Cel", "Dana Dorn"):
        expect(rows.filter(has_text=name).get_by_role("cell").first).to_have_text("Platz")
    expect(rows.filter(has_text="Emil Eck").get_by_role("cell").first).to_have_text("Warteliste 1")
    expect(rows.filter(has_text="Ada Alt")).to_have_count(0)

    # Everything queued is out; nothing waits in the outbox.
    with app.app_context():
        deliver_due()
        left = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status != OutboxStatus.SENT
            )
        ).scalar_one()
    assert left == 0

    found = {address: entries(smtp, address) for _, address, _ in PEOPLE}
    day_entry, workshop_entry = f"Start Smart: {CONFERENCE}", f"Start Smart: {WORKSHOP}"
    # Only the day and the chosen workshop reach anybody's calendar: no plenary, no other.
    assert {title for each in found.values() for _, title, _, _ in each} == {
        day_entry,
        workshop_entry,
    }
    ada, ben, cem, dana, emil = (found[address] for _, address, _ in PEOPLE)
    day_uids = [about(each, day_entry)[0][1] for each in (ada, ben, cem, dana, emil)]
    workshop_uids = [about(each, workshop_entry)[0][1] for each in (ada, ben, cem, dana)]
    assert len(set(day_uids)) == 5 and len(set(workshop_uids)) == 4
    assert not set(day_uids) & set(workshop_uids)
    # Ben and Cem, seated from the start: one invitation each for the day and the workshop.
    for each, day_uid, workshop_uid in zip(
        (ben, cem), day_uids[1:3], workshop_uids[1:3], strict=True
    ):
        assert about(each, day_entry) == [("REQUEST", day_uid, 0)]
        assert about(each, workshop_entry) == [("REQUEST", workshop_uid, 0)]
    # Ada cancelled: both entries leave her calendar, same UIDs, SEQUENCE 1.
    assert about(ada, day_entry) == [("REQUEST", day_uids[0], 0), ("CANCEL", day_uids[0], 1)]
    assert about(ada, workshop_entry) == [
        ("REQUEST", workshop_uids[0], 0),
        ("CANCEL", workshop_uids[0], 1),
    ]
    # Dana, promoted: the workshop arrives once, as a new entry of her own.
    assert about(dana, day_entry) == [("REQUEST", day_uids[3], 0)]
    assert about(dana, workshop_entry) == [("REQUEST", workshop_uids[3], 0)]
    # Emil still waits: the day, and no workshop.
    assert about(emil, day_entry) == [("REQUEST", day_uids[4], 0)]
    assert about(emil, workshop_entry) == []

    promoted = [
        [m["Subject"] for m in smtp.to(address) if m["Subject"].startswith("Ein Platz")]
        for _, address, _ in PEOPLE
    ]
    assert promoted == [[], [], [], [f"Ein Platz ist frei: {WORKSHOP}"], []]
