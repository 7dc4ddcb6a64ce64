"""The speed-dating in Chromium: check-in on the tablet, the plan, the presenter screen run with
the keyboard (and still counting with the network gone), the phone view by code, kept up to date
without a reload when the round or the plan changes; WCAG A/AA by axe on both screens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from accessibility import axe_violations
from speed_dating_support import EVENT_TEAM, make_event
from startsmart.extensions import db
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from support import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def fast_polls(app, monkeypatch):
    """Screens ask for changes every half second (seconds in production), so a test waits
    for a change no longer than that."""
    monkeypatch.setitem(app.config, "SPEED_DATING_PRESENTER_POLL_SECONDS", 0.5)
    monkeypatch.setitem(app.config, "SPEED_DATING_PHONE_POLL_SECONDS", 0.5)


def log_in(page, email: str = EVENT_TEAM) -> None:
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Guten Tag")


def seconds(page) -> int:
    minutes, secs = page.locator("#pr-countdown").inner_text().split(":")
    return int(minutes) * 60 + int(secs)


def code_of(app, name: str) -> str:
    with app.app_context():
        return db.session.execute(
            sa.select(SpeedDatingParticipant.code).where(SpeedDatingParticipant.name == name)
        ).scalar_one()


def partner_in_round(app, name: str, number: int) -> tuple[int, str]:
    """Table and partner of ``name`` in round ``number`` of the plan in force."""
    from startsmart.speed_dating.planning import current_plan

    with app.app_context():
        people = {p.id: p for p in db.session.execute(sa.select(SpeedDatingParticipant)).scalars()}
        me = next(p.id for p in people.values() if p.name == name)
        session_id = next(iter(people.values())).session_id
        rnd = current_plan(session_id).plan["rounds"][number - 1]
        table = next(t for t in rnd["tables"] if me in t["members"])
        other = people[next(m for m in table["members"] if m != me)]
        return table["number"], f"{other.name} ({other.municipality_name})"


def test_presenter_and_phone_from_check_in_to_a_replan(app, browser, live_server, fast_polls):
    event = make_event(app)
    for number, town in enumerate(["Husum", "Kiel", "Lübeck", "Heide", "Eutin"]):
        event.register(f"Person {number}", town, model_project=number == 0)
    staff = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 1024, "height": 1366}
    )
    staff.set_default_timeout(10_000)
    tablet = staff.new_page()
    errors: list = []  # script errors on any screen fail the test
    staff.on("weberror", lambda error: errors.append(error.error))
    log_in(tablet)
    base = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating"

    # Check-in on the tablet: search, tick who is here.
    tablet.goto(f"{base}/check-in")
    for number in range(5):
        tablet.get_by_label("Name oder Kommune suchen").fill(f"Person {number}")
        tablet.get_by_role("button", name=f"Ist da – Person {number}").click()
        expect(tablet.get_by_text(f"Person {number} ist als anwesend markiert.")).to_be_visible()
    tablet.get_by_role("link", name="Übersicht und Plan").click()
    tablet.get_by_role("button", name="Plan erstellen").click()
    planned = re.compile(r"Plan \(Version 1\) erstellt: 5 Personen, 5 Runden")
    expect(tablet.get_by_text(planned)).to_be_visible()

    # The presenter screen on the projector, started with the space bar.
    tablet.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
    presenter = tablet
    presenter.set_viewport_size({"width": 1280, "height": 720})
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Gleich geht es los")
    expect(presenter.locator("#presenter")).to_have_attribute("data-live", "ready")
    expect(presenter.locator("#pr-countdown")).to_have_text("3:00")
    table, partner = partner_in_round(app, "Person 0", 1)
    expect(presenter.locator("#pr-seating-heading")).to_have_text("Sitzplan Runde 1")
    assert axe_violations(presenter) == []
    presenter.screenshot(path="/tmp/ss/presenter-waiting.png")
    presenter.keyboard.press("Space")
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Gespräch")
    expect(presenter.locator("#pr-round")).to_have_text("Runde 1 von 5")
    # round 1 is talked in: the seating on screen is the next one, and says so
    expect(presenter.locator("#pr-seating-heading")).to_have_text("Als Nächstes: Sitzplan Runde 2")
    expect(presenter.locator("#pr-countdown")).to_have_text(re.compile(r"^2:5\d$"), timeout=2500)
    presenter.screenshot(path="/tmp/ss/presenter-running.png")
    assert axe_violations(presenter) == []

    # The network goes: the clock goes on, and the screen says so (discreetly).
    staff.set_offline(True)
    expect(presenter.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    before = seconds(presenter)
    presenter.wait_for_timeout(1500)
    assert seconds(presenter) < before
    presenter.keyboard.press("ArrowRight")  # no server: nothing changes, and it says why
    expect(presenter.get_by_role("alert")).to_contain_text("Keine Verbindung")
    expect(presenter.locator("#pr-round")).to_have_text("Runde 1 von 5")
    presenter.screenshot(path="/tmp/ss/presenter-offline.png")
    staff.set_offline(False)
    expect(presenter.locator("#pr-connection")).to_have_text("")

    # A participant types the code from the card on the phone (any case, with a hyphen).
    phone_context = browser.new_context(base_url=live_server, locale="de-DE", viewport=PHONE)
    phone_context.set_default_timeout(10_000)
    phone_context.on("weberror", lambda error: errors.append(error.error))
    phone = phone_context.new_page()
    code = code_of(app, "Person 0")
    phone.goto("/sd")
    phone.get_by_label("Ihr persönlicher Code").fill(f"{code[:4].lower()}-{code[4:].lower()}")
    phone.get_by_role("button", name="Meinen Plan zeigen").click()
    expect(phone).to_have_url(re.compile(f"/sd/{code}$"))
    expect(phone.locator("#sd-phone")).to_have_attribute("data-live", "ready")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Runde 1 · Tisch {table} · mit {partner}"
    )
    expect(phone.locator("#sd-status-text")).to_have_text("Gespräch: noch")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(phone) == []
    phone.screenshot(path="/tmp/ss/phone-round1.png", full_page=True)
    phone.evaluate("window.loadedOnce = true")  # gone if the page reloads
    # Without JavaScript the page says the same (the snapshot of the moment it was loaded).
    still = browser.new_context(
        base_url=live_server, locale="de-DE", viewport=PHONE, java_script_enabled=False
    )
    snapshot = still.new_page()
    snapshot.goto(f"/sd/{code}")
    assert snapshot.locator("h1").inner_text() == phone.locator("h1").inner_text()
    still.close()

    # Next round on the projector: the phone follows without a reload.
    presenter.keyboard.press("ArrowRight")
    expect(presenter.locator("#pr-round")).to_have_text("Runde 2 von 5")
    table, partner = partner_in_round(app, "Person 0", 2)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Runde 2 · Tisch {table} · mit {partner}"
    )
    expect(phone.locator("tr.sd-now th")).to_contain_text("2")

    # Pause and go on with the space bar; back and forth with the arrows.
    presenter.keyboard.press("Space")
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Angehalten")
    expect(phone.locator("#sd-status-text")).to_have_text("Kurz angehalten bei")
    held = presenter.locator("#pr-countdown").inner_text()
    presenter.wait_for_timeout(1200)
    expect(presenter.locator("#pr-countdown")).to_have_text(held)
    presenter.keyboard.press("Space")
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Gespräch")
    presenter.keyboard.press("ArrowLeft")
    expect(presenter.locator("#pr-round")).to_have_text("Runde 1 von 5")
    presenter.keyboard.press("PageDown")  # what a presentation clicker sends
    expect(presenter.locator("#pr-round")).to_have_text("Runde 2 von 5")

    # A late arrival: not in the plan yet, told kindly; staff re-plan from round 3.
    late = event.walk_in("Lea Later", "Spätdorf")
    late_phone = phone_context.new_page()
    late_phone.goto(f"/sd/{event.participant(late).code}")
    expect(late_phone.locator("#sd-phone")).to_have_attribute("data-live", "ready")
    expect(late_phone.get_by_role("heading", level=1)).to_have_text("Sie sind noch nicht im Plan")
    late_phone.evaluate("window.loadedOnce = true")
    overview = staff.new_page()
    overview.goto(base)
    overview.get_by_label("Ab Runde").fill("3")
    overview.get_by_role("button", name="Neu planen").click()
    # On the flash region, so that a failure shows the message staff saw instead.
    expect(overview.locator(".flashes")).to_contain_text("Neu geplant ab Runde 3")
    expect(late_phone.get_by_role("heading", level=1)).to_have_text("Runde 2 · diesmal ohne Sie")
    expect(late_phone.locator("#sd-lead")).to_have_text("Für Sie geht es in Runde 3 weiter.")
    late_phone.screenshot(path="/tmp/ss/phone-late.png", full_page=True)
    assert late_phone.evaluate("window.loadedOnce") is True
    assert phone.evaluate("window.loadedOnce") is True

    # The changeover, by moving the server's clock: 3 min 20 s into round 2.
    with app.app_context():
        session = db.session.execute(sa.select(SpeedDatingSession)).scalar_one()
        session.round_started_at -= timedelta(seconds=200)
        session.touch(session.updated_at)
        db.session.commit()
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Tischwechsel")
    expect(presenter.locator("#pr-round")).to_have_text(re.compile(r"^Gleich: Runde 3 von \d+$"))
    expect(presenter.locator("#pr-seating-heading")).to_have_text("Sitzplan Runde 3")
    table, partner = partner_in_round(app, "Lea Later", 3)
    expect(presenter.locator("#pr-seating-body")).to_contain_text("Lea Later (Spätdorf)")
    expect(late_phone.get_by_role("heading", level=1)).to_have_text(
        f"Runde 3 · Tisch {table} · mit {partner}"
    )
    expect(late_phone.locator("#sd-hint")).to_have_text(
        "Bitte gehen Sie jetzt an Ihren nächsten Tisch."
    )
    presenter.screenshot(path="/tmp/ss/presenter-changeover.png")
    assert axe_violations(presenter) == []
    assert errors == []
    staff.close()
    phone_context.close()


def test_a_hall_too_big_for_the_projector_sees_every_table_in_turn(app, browser, live_server):
    """130 people at 65 tables do not fit on a 720-line projector: the seating plan takes turns
    in pages (every 10 s), each table on one page, none cut off, and the screen says which."""
    event = make_event(app)
    event.everyone_here(130)
    planned = event.plan()
    tables = {str(t["number"]) for t in planned["plan"]["rounds"][0]["tables"]}
    assert len(tables) == 65
    context = browser.new_context(
        base_url=live_server, locale="de-DE", viewport={"width": 1280, "height": 720}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda error: errors.append(error))
    page.clock.install()
    log_in(page)
    page.goto(f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating")
    page.get_by_role("link", name="Präsentation für den Beamer öffnen").click()
    expect(page.locator("#presenter")).to_have_attribute("data-live", "ready")
    expect(page.locator("#pr-seating-heading")).to_have_text("Sitzplan Runde 1")
    caption = page.locator("#pr-seating-page")
    expect(caption).to_have_text(
        re.compile(r"^Tische 1–\d+ von 65 · Seite 1 von \d+, sie wechseln von selbst$")
    )
    pages = int(re.search(r"Seite 1 von (\d+)", caption.inner_text()).group(1))
    assert pages >= 2
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/ss/presenter-paged.png")
    seen: list[str] = []
    for number in range(1, pages + 1):
        expect(caption).to_contain_text(f"Seite {number} von {pages}")
        shown = page.evaluate(
            """() => {
              const box = document.getElementById("pr-seating");
              const edge = box.getBoundingClientRect();
              const rows = Array.from(box.querySelectorAll("li")).filter((li) => !li.hidden);
              return {
                scrolls: box.scrollHeight > box.clientHeight + 1,
                rows: rows.map((li) => {
                  const r = li.getBoundingClientRect();
                  return [li.dataset.table, r.top >= edge.top - 1 && r.bottom <= edge.bottom + 1];
                }),
              };
            }"""
        )
        assert not shown["scrolls"]
        assert shown["rows"] and all(inside for _, inside in shown["rows"]), shown["rows"]
        seen += [table for table, _ in shown["rows"]]
        page.clock.run_for(10_000)
    assert sorted(seen) == sorted(tables)  # every table once
    expect(caption).to_contain_text(f"Seite 1 von {pages}")  # and round again
    assert errors == []
    context.close()


def test_cards_print_on_a4_with_dashed_cut_lines(app, browser, live_server):
    event = make_event(app)
    event.everyone_here(6)
    event.plan()
    context = browser.new_context(base_url=live_server, locale="de-DE")
    page = context.new_page()
    log_in(page)
    page.goto(f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating/karten")
    page.emulate_media(media="print")
    expect(page.locator(".sd-card").first).to_have_css("border-top-style", "dashed")
    # The page's own @page size, as Chromium's print dialog takes it.
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", pdf)
    assert boxes
    for width, height in boxes:  # A4 is 595 × 842 points, US Letter 612 × 792
        assert abs(float(width) - 595) < 2 and abs(float(height) - 842) < 2
    context.close()


def test_seven_walk_ins_at_the_tablet_are_each_found_and_marked(app, browser, live_server):
    """At the check-in tablet: seven people without a registration are taken in through the
    form; each one can be found by the search and marked as gone."""
    event = make_event(app)
    context = browser.new_context(base_url=live_server, locale="de-DE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page)
    check_in = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating/check-in"
    names = [f"Walk {letter}" for letter in "ABCDEFG"]
    for name in names:
        page.goto(check_in)
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Kommune", exact=True).fill(f"Ort {name[-1]}")
        page.get_by_label("Bundesland").select_option("SH")
        page.get_by_role("button", name="Aufnehmen (anwesend)").click()
        expect(page.locator(".flashes")).to_be_visible()
    page.goto(check_in)
    expect(page.locator(".checkin-row")).to_have_count(7)
    for name in names:
        page.get_by_label("Name oder Kommune suchen").fill(name)
        page.locator("main").get_by_role("button", name="Suchen", exact=True).click()
        row = page.locator(".checkin-row", has_text=name)
        expect(row).to_have_count(1)
        expect(row.locator(".checkin-state")).to_have_text("anwesend")
    page.get_by_label("Name oder Kommune suchen").fill("Walk D")
    page.locator("main").get_by_role("button", name="Suchen", exact=True).click()
    page.get_by_role("button", name="Nicht mehr da – Walk D").click()
    expect(page.locator(".checkin-row", has_text="Walk D").locator(".checkin-state")).to_have_text(
        "nicht da"
    )
    context.close()
