"""The municipality field's suggestions (static/js/combobox.js) beyond the keyboard journey:
search without accents, Escape, nothing found, the mouse, and the form without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from support import make_date

pytestmark = pytest.mark.browser


@pytest.fixture
def form_path(app) -> str:
    date_id = make_date(app)
    with app.app_context():
        for name in ("Flensburg", "Flörsheim am Main", "Kiel", "Bad Kissingen"):
            db.session.add(
                Municipality(name=name, kind=MunicipalityKind.CITY, state=FederalState.SH)
            )
        db.session.commit()
    return f"/angebote/termine/{date_id}/anmeldung"


def test_suggestions_match_without_accents_close_on_escape_and_take_a_click(page, form_path):
    page.goto(form_path)
    field = page.get_by_role("combobox", name="Ihre Kommune")
    options = page.get_by_role("listbox", name="Bekannte Kommunen").get_by_role("option")
    status = page.get_by_role("status").filter(has_text="Vorschlag")

    field.press_sequentially("flor")
    expect(options).to_have_text(["Flörsheim am Main"])
    expect(status).to_have_text(
        "1 Vorschlag. Mit den Pfeiltasten wählen, mit der Eingabetaste übernehmen."
    )
    field.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(field).to_have_value("flor")

    field.press_sequentially("xyz")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("status").filter(has_text="Keine bekannte Kommune")).to_be_attached()

    field.fill("")
    field.press_sequentially("ki")  # names starting with it first, then those containing it
    expect(options).to_have_text(["Kiel", "Bad Kissingen"])
    options.filter(has_text="Bad Kissingen").click()
    expect(field).to_have_value("Bad Kissingen")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-expanded", "false")


def test_without_javascript_the_field_keeps_the_native_suggestions(browser, live_server, form_path):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto(form_path)
    field = page.get_by_label("Ihre Kommune")
    expect(field).to_have_attribute("list", "known-municipalities")
    expect(page.locator("#known-municipalities option")).to_have_count(4)
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
