"""The staff search with the keyboard alone, in Chromium: from the header field to a hit, and
on to the person's row in the date's registration list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser.test_keyboard_registration import Keyboard
from staff_support import register_person
from startsmart.staff.models import Role
from support import DEFAULT_PASSWORD, make_date, make_staff

pytestmark = [pytest.mark.browser]

TEAM = "team@kts.example"


def test_staff_find_a_person_and_open_the_hit_with_the_keyboard_only(app, page):
    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    date_id = make_date(app, capacity=5)
    register_person(app, date_id, 1, name="Anna Schulz", municipality="Kiel")
    wanted = register_person(app, date_id, 2, name="Jürgen Müller", municipality="Göttingen")

    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(TEAM)
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Guten Tag")

    keys = Keyboard(page)
    search = page.get_by_role("search").get_by_label("Personen, Kommunen, Anmeldungen")
    keys.tab_to(search)
    keys.type("mueller")
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Suche nach „mueller“")
    expect(search).to_have_value("mueller")
    people = page.get_by_role("region", name=re.compile("Personen"))
    expect(people.get_by_role("strong")).to_have_text(["Jürgen Müller"])
    hit = people.get_by_role("link", name=re.compile("Grundlagen der Smart City"))
    keys.tab_to(hit)
    keys.press("Enter")

    expect(page).to_have_url(re.compile(rf"/staff/termine/{date_id}#anmeldung-{wanted}$"))
    row = page.locator(f"#anmeldung-{wanted}")
    expect(row).to_contain_text("Jürgen Müller")
    # :target is set once the page has scrolled to its fragment, which on a busy machine comes
    # a moment after the new URL: waited for, not read once
    expect(page.locator(f"#anmeldung-{wanted}:target")).to_have_count(1)
    assert keys.unseen == [], "focus stops without a visible focus indicator"
