"""End-to-end journeys in Chromium with a real SMTP server: what municipalities and staff do."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from consultation_support import booking_request, make_advisor
from moments import working_day
from speed_dating_support import EVENT_TEAM, make_event
from startsmart import clock
from startsmart.clock import BERLIN
from startsmart.consultations import booking
from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from startsmart.staff.models import Role, StaffUser
from support import DEFAULT_PASSWORD, links_in, make_date, make_staff, path_of

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]


def mails_to(smtp, address: str, count: int, timeout: float = 10) -> list:
    """Wait until ``count`` mails reached ``address`` (the live server delivers after the
    response, in its own thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = smtp.to(address)
        if len(received) >= count:
            return received
        time.sleep(0.05)
    raise AssertionError(f"{address} got {len(smtp.to(address))} mails, expected {count}")


def calendar_in(message) -> icalendar.Calendar:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


def link(message, contains: str) -> str:
    return path_of(next(u for u in links_in(message) if contains in u))


def test_register_confirm_download_and_cancel(app, page, smtp, tmp_path):
    make_date(app, capacity=5)
    page.goto("/angebote/")
    page.locator(".date-row summary").first.click()  # a date's details open on demand
    page.get_by_role("link", name=re.compile("^Zur Anmeldung")).first.click()
    page.get_by_label("Ihr Name").fill("Kim Kommune")
    page.get_by_label("E-Mail-Adresse").fill("kim@flensburg.de")
    page.get_by_label("Ihre Funktion").fill("Digitalisierung")
    page.get_by_label("Ihre Kommune").fill("Flensburg")
    page.get_by_label("Bundesland").select_option("SH")
    page.get_by_label("Art der Kommune").select_option("independent_city")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")

    [request] = mails_to(smtp, "kim@flensburg.de", 1)
    page.goto(link(request, "/bestaetigen"))
    page.get_by_role("button", name="Ja, ich bestätige meine Anmeldung").click()
    expect(page.get_by_text("Ihre Anmeldung ist bestätigt")).to_be_visible()
    invitation = mails_to(smtp, "kim@flensburg.de", 2)[1]
    uid = str(calendar_in(invitation).walk("VEVENT")[0]["UID"])

    with page.expect_download() as download:
        page.get_by_role("link", name="Termin für meinen Kalender herunterladen (.ics)").click()
    saved = Path(download.value.path()).read_bytes()
    assert str(icalendar.Calendar.from_ical(saved).walk("VEVENT")[0]["UID"]) == uid

    page.get_by_role("link", name="Anmeldung stornieren").click()
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    expect(page.get_by_text("Ihre Anmeldung ist storniert.")).to_be_visible()
    cancel = calendar_in(mails_to(smtp, "kim@flensburg.de", 3)[2])
    assert cancel["METHOD"] == "CANCEL"
    assert str(cancel.walk("VEVENT")[0]["UID"]) == uid


def test_book_a_consultation_and_reschedule_it(app, page, smtp):
    make_advisor(app, "berta@kts.example", name="Berta Beraterin")
    start = working_day(7)
    day = start.astimezone(BERLIN).date()
    page.goto(f"/initialberatung/?ab={day.isoformat()}")
    page.locator(f'a[href*="start={start.isoformat()[:19]}"]').click()  # this day's 10:00
    page.get_by_label("Wie möchten Sie sprechen?").select_option("video")
    page.get_by_label("Ihre Kommune").fill("Kleinstadt")
    page.get_by_label("Bundesland").select_option("NW")
    page.get_by_label("Art der Kommune").select_option("city")
    page.get_by_label("Einwohnerzahl (ungefähr)").select_option("5k_20k")
    page.get_by_label("Ihr Name").fill("Kim Kommune")
    page.get_by_label("E-Mail-Adresse").fill("kim@kleinstadt.de")
    page.get_by_label("Ausgangslage").fill("Ratsbeschluss liegt vor.")
    page.get_by_label("Ziele und Fragen").fill("Wie fangen wir an?")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen.").check()
    page.get_by_role("button", name="Verbindlich buchen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Buchung")

    [request] = mails_to(smtp, "kim@kleinstadt.de", 1)
    page.goto(link(request, "/bestaetigen"))
    page.get_by_role("button", name="Ja, ich bestätige die Initialberatung").click()
    expect(page.get_by_text("Ihre Initialberatung ist bestätigt")).to_be_visible()
    mails_to(smtp, "berta@kts.example", 1)

    page.get_by_role("link", name="Termin verschieben").click()
    # the next working day at 11:00 (the same day's 11:00 lies in the booking's own buffer)
    later = working_day(8, 11)
    if later.astimezone(BERLIN).isocalendar()[:2] != day.isocalendar()[:2]:
        page.get_by_role("link", name="nächste Woche →").click()  # from a Thursday
    label = later.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    page.get_by_label("Termin", exact=True).select_option(later.isoformat())
    page.get_by_role("button", name="Auf diesen Termin verschieben").click()
    expect(page.get_by_text("Ihre Initialberatung ist verschoben")).to_be_visible()
    for address, count in (("kim@kleinstadt.de", 3), ("berta@kts.example", 2)):
        update = calendar_in(mails_to(smtp, address, count)[-1]).walk("VEVENT")[0]
        assert update["SEQUENCE"] == 1
        assert update.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == label


def test_video_consultation_gets_its_link_and_the_join_button_opens_in_time(
    app, page, smtp, travel
):
    advisor_id = make_advisor(app, "berta@kts.example", name="Berta Beraterin")
    start = working_day(7)
    with app.app_context():
        advisor = db.session.get(StaffUser, advisor_id)
        booking.book(booking_request(start, 1), clock.now(), by_staff=True, actor=advisor)
        deliver_due()
    [invitation] = mails_to(smtp, "kim1@kleinstadt.de", 1)
    assert "CONFERENCE" not in str(calendar_in(invitation).to_ical(), "utf-8")

    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill("berta@kts.example")
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto("/staff/beratungen/")
    missing = page.get_by_role("region", name="Videoberatungen ohne Link, die nächste zuerst")
    missing.get_by_role("link").first.click()
    room = "https://video.example.org/berta-kleinstadt"
    page.get_by_role("textbox", name="Link zur Videokonferenz").fill(room)
    page.get_by_role("button", name="Link speichern").click()
    expect(page.get_by_text("Der Link ist gespeichert.")).to_be_visible()

    update = mails_to(smtp, "kim1@kleinstadt.de", 2)[-1]
    event = calendar_in(update).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and str(event["UID"]) == str(
        calendar_in(invitation).walk("VEVENT")[0]["UID"]
    )
    assert str(event["LOCATION"]) == room and event.conferences[0].uri == room

    lead = timedelta(minutes=app.config["JOIN_OPENS_MINUTES_BEFORE"])
    travel.move_to(start - lead - timedelta(minutes=5))
    page.goto(link(update, "/beratung/"))
    join = page.get_by_role("button", name="Jetzt teilnehmen")
    expect(join).to_be_disabled()
    travel.move_to(start - lead + timedelta(minutes=1))
    page.reload()
    expect(page.get_by_role("link", name="Jetzt teilnehmen")).to_have_attribute("href", room)
    travel.move_to(start + timedelta(hours=2))
    page.reload()
    expect(page.get_by_text("Jetzt teilnehmen")).to_have_count(0)


def test_staff_move_a_date_and_participants_get_the_update(app, page, smtp):
    date_id = make_date(app, capacity=5)
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Tom Team")
    with app.app_context():
        applicant = service.Applicant(
            name="Pia Person",
            email="pia@kiel.de",
            function="",
            municipality=MunicipalityInput(
                "Kiel", FederalState.SH, MunicipalityKind.INDEPENDENT_CITY
            ),
        )
        service.register(date_id, applicant, clock.now(), by_staff=True)
        db.session.commit()
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill("team@kts.example")
    page.get_by_label("Passwort").fill("ein-langes-test-passwort")
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"/staff/termine/{date_id}/zeit-und-ort")
    page.get_by_label("Beginn (Uhrzeit)").fill("15:00")
    page.get_by_label("Ende (Uhrzeit)").fill("16:30")
    page.get_by_role("button", name=re.compile("speichern|Speichern|verschieben")).click()
    expect(page.get_by_role("status").or_(page.locator(".flash")).first).to_be_visible()
    update = calendar_in(mails_to(smtp, "pia@kiel.de", 2)[-1])
    event = update.walk("VEVENT")[0]
    assert update["METHOD"] == "REQUEST" and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").strftime("%H:%M") == "15:00"


def test_staff_run_a_speed_dating_session_from_check_in_to_the_presenter_screen(
    app, browser, live_server, smtp, monkeypatch
):
    """Eva from the KTS event team, at the Regionalkonferenz Nord: ticks in who came on the
    tablet, takes in a walk-in, makes the plan (everyone registered gets their link by mail),
    opens the presenter screen and runs the rounds from the keyboard; Anna follows on her
    phone, from the link in her mail."""
    monkeypatch.setitem(app.config, "SPEED_DATING_PHONE_POLL_SECONDS", 0.5)
    event = make_event(app)
    for name, town in (("Anna Alt", "Husum"), ("Ben Berg", "Kiel"), ("Cem Cel", "Lübeck")):
        event.register(name, town)
    with app.app_context():
        deliver_due()  # their invitations went out weeks ago
    mails_to(smtp, "anna.alt@husum.de", 1)
    tablet_context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 800, "height": 1280}
    )
    tablet_context.set_default_timeout(10_000)
    tablet = tablet_context.new_page()
    tablet.goto("/staff/login")
    tablet.get_by_label("E-Mail-Adresse").fill(EVENT_TEAM)
    tablet.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    tablet.get_by_role("button", name="Anmelden").click()
    tablet.get_by_role("link", name="Zu den Regionalkonferenzen").click()
    tablet.get_by_role("link", name="Regionalkonferenz Nord").click()
    tablet.get_by_role("link", name="Speed-Dating", exact=True).click()
    tablet.get_by_role("link", name="Check-in", exact=True).click()

    for name in ("Anna Alt", "Ben Berg", "Cem Cel"):
        tablet.get_by_label("Name oder Kommune suchen").fill(name.split()[0])
        tablet.get_by_role("button", name=f"Ist da – {name}").click()
        expect(tablet.get_by_text(f"{name} ist als anwesend markiert.")).to_be_visible()
    tablet.get_by_label("Name", exact=True).fill("Wim Walk")
    tablet.get_by_label("Kommune", exact=True).fill("Wyk auf Föhr")
    tablet.get_by_label("Bundesland").select_option("SH")
    tablet.get_by_role("button", name="Aufnehmen (anwesend)").click()
    expect(tablet.get_by_text("Wim Walk ist aufgenommen und anwesend.")).to_be_visible()
    expect(tablet.get_by_text("4 Personen sind als anwesend markiert.").first).to_be_visible()

    tablet.get_by_role("link", name="Übersicht und Plan").click()
    smtp.clear()
    tablet.get_by_role("button", name="Plan erstellen").click()
    expect(
        tablet.get_by_text(re.compile(r"Plan \(Version 1\) erstellt: 4 Personen"))
    ).to_be_visible()
    expect(
        tablet.get_by_text("3 Personen erhalten den Link zu ihrem Plan auf dem Telefon per E-Mail.")
    ).to_be_visible()

    # Anna's mail: her link, her code; the walk-in has no address and gets none.
    [mail] = mails_to(smtp, "anna.alt@husum.de", 1)
    assert mail["Subject"] == "Ihr Speed-Dating-Plan: Regionalkonferenz Nord"
    assert len(smtp.received) == 3
    phone_context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 360, "height": 740}
    )
    phone_context.set_default_timeout(10_000)
    phone = phone_context.new_page()
    phone.goto(link(mail, "/sd/"))
    others = r"(Ben Berg \(Kiel\)|Cem Cel \(Lübeck\)|Wim Walk \(Wyk auf Föhr\))"
    round_one = re.compile(rf"^Runde 1 · Tisch \d+ · mit {others}$")
    expect(phone.get_by_role("heading", level=1)).to_have_text(round_one)
    first_partner = phone.get_by_role("heading", level=1).inner_text().split(" · mit ")[1]

    # The projector: the presenter screen, run from the keyboard.
    tablet.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
    tablet.set_viewport_size({"width": 1280, "height": 720})
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Gleich geht es los")
    expect(tablet.locator("#presenter")).to_have_attribute("data-live", "ready")
    tablet.keyboard.press("Space")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Gespräch")
    expect(tablet.locator("#pr-countdown")).to_have_text(re.compile(r"^2:5\d$"))
    expect(phone.locator("#sd-status-text")).to_have_text("Gespräch: noch")
    expect(phone.locator("#sd-countdown")).to_have_text(re.compile(r"^(3:00|2:5\d)$"))

    tablet.keyboard.press("ArrowRight")
    expect(tablet.locator("#pr-round")).to_have_text("Runde 2 von 3")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Runde 2 · Tisch \d+ · mit ")
    )
    assert first_partner not in phone.get_by_role("heading", level=1).inner_text()
    tablet_context.close()
    phone_context.close()
