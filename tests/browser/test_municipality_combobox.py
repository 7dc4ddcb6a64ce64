"""The municipality field searches the directory (static/js/combobox.js): "heide" offers
Heide, Stadt; choosing it fills the Land, kind and size, and the registration lands on the
directory's entry, where staff see it. Beyond that: editing after a choice, Escape, nothing
found, the mouse, and typing that began before the script ran."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from browser.test_keyboard_registration import Keyboard
from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.models import Municipality
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role
from support import DEFAULT_PASSWORD, directory_extract, make_date, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]

TEAM = "team@kts.example"


@pytest.fixture
def form_path(app, tmp_path) -> str:
    date_id = make_date(app, capacity=5)
    extract = directory_extract(
        tmp_path / "extract.csv", {"Heide, Stadt", "Flensburg, Stadt", "Kiel, Landeshauptstadt"}
    )
    with app.app_context():
        import_directory(extract, clock.now())
    return f"/angebote/termine/{date_id}/anmeldung"


def _heide_id(app) -> int:
    with app.app_context():
        return db.session.execute(
            sa.select(Municipality.id).where(Municipality.ags == "01051044")
        ).scalar_one()


def test_heide_chosen_with_the_keyboard_fills_the_land_and_staff_see_the_registration(
    app, page, form_path
):
    keys = Keyboard(page)
    page.goto(form_path)
    keys.tab_to(page.get_by_label("Ihr Name"))
    keys.type("Hanna Heide")
    keys.press("Tab")
    keys.type("hanna@heide.de")

    municipality = page.get_by_role("combobox", name="Ihre Kommune")
    keys.tab_to(municipality)
    keys.type("heide")
    options = page.get_by_role("listbox", name="Bekannte Kommunen").get_by_role("option")
    expect(options.first).to_contain_text("Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein)")
    expect(options.first.locator(".combobox-kind")).to_have_text("Stadt")
    expect(page.get_by_role("status").filter(has_text="Vorschl")).to_contain_text(
        "Mit den Pfeiltasten wählen"
    )
    keys.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    keys.press("Enter")  # takes the suggestion; does not send the form

    expect(municipality).to_have_value("Heide, Stadt")
    expect(municipality).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#municipality_id")).to_have_value(str(_heide_id(app)))
    land = page.locator("select#state")
    expect(land).to_have_value("SH")
    expect(page.locator("select#municipality_kind")).to_have_value("city")
    # The three fields give way to their summary, with a button to change them.
    expect(land).to_be_hidden()
    summary = page.locator(".municipality-summary")
    expect(summary).to_contain_text("Schleswig-Holstein · Stadt · 20.000 bis 100.000")
    expect(page.get_by_role("status").filter(has_text="übernommen")).to_have_text(
        "Heide, Stadt (Kreis Dithmarschen, Schleswig-Holstein) übernommen."
    )

    privacy = page.get_by_label("Ich habe die Datenschutzhinweise gelesen.")
    keys.tab_to(privacy)
    keys.press("Space")
    keys.tab_to(page.get_by_role("button", name="Verbindlich anmelden"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    assert keys.unseen == [], "focus stops without a visible focus indicator"
    heide = _heide_id(app)
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.municipality_id == heide
        assert db.session.execute(sa.select(sa.func.count(Municipality.id))).scalar_one() == (
            db.session.execute(
                sa.select(sa.func.count(Municipality.id)).where(Municipality.ars.is_not(None))
            ).scalar_one()
        ), "no new municipality"

    make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(TEAM)
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Guten Tag")
    page.goto(f"/staff/kommunen/{heide}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heide, Stadt")
    expect(page.get_by_role("main")).to_contain_text("Hanna Heide")


def test_editing_after_a_choice_forgets_it_and_shows_the_fields_again(page, form_path):
    page.goto(form_path)
    field = page.get_by_role("combobox", name="Ihre Kommune")
    options = page.get_by_role("listbox", name="Bekannte Kommunen").get_by_role("option")
    field.press_sequentially("kiel")
    expect(options.first).to_contain_text("Kiel")
    options.first.click()  # the mouse chooses too
    expect(field).to_have_value(re.compile("^Kiel"))
    expect(field).to_be_focused()
    expect(page.locator("#municipality_id")).not_to_have_value("")
    expect(page.locator("select#state")).to_be_hidden()

    # "Ändern" shows the fields again and keeps the choice.
    page.get_by_role("button", name=re.compile("ändern", re.I)).click()
    expect(page.locator("select#state")).to_be_visible()
    expect(page.locator("select#state")).to_be_focused()
    expect(page.locator("#municipality_id")).not_to_have_value("")

    field.press("End")
    field.press_sequentially(" Nord")
    expect(page.locator("#municipality_id")).to_have_value("")
    expect(page.locator("select#state")).to_be_visible()
    expect(page.locator(".municipality-summary")).to_be_hidden()


def test_escape_closes_and_nothing_found_is_announced(page, form_path):
    page.goto(form_path)
    field = page.get_by_role("combobox", name="Ihre Kommune")
    field.press_sequentially("flens")
    expect(field).to_have_attribute("aria-expanded", "true")
    field.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_have_value("flens")

    field.press_sequentially("xyz")
    expect(page.get_by_role("status").filter(has_text="Keine bekannte Kommune")).to_be_attached()
    expect(field).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_field_is_plain_text_and_the_page_lists_no_names(
    browser, live_server, form_path
):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto(form_path)
    field = page.get_by_label("Ihre Kommune")
    expect(field).not_to_have_attribute("role", "combobox")
    expect(page.locator("datalist")).to_have_count(0)
    expect(page.locator("#municipality_id")).to_have_attribute("type", "hidden")
    context.close()


def test_typing_that_began_before_the_script_ran_keeps_its_field(page, form_path):
    """On a slow connection people start typing while the page loads; turning the field into a
    combobox must not take the focus away (the next keys would go nowhere)."""
    page.add_init_script(
        """new MutationObserver((_, observer) => {
             const field = document.getElementById("municipality");
             if (field) { field.focus(); observer.disconnect(); }
           }).observe(document, {childList: true, subtree: true});"""
    )
    page.goto(form_path)
    field = page.get_by_role("combobox", name="Ihre Kommune")
    expect(field).to_be_focused()
    page.keyboard.type("Kiel")
    expect(field).to_have_value("Kiel")
