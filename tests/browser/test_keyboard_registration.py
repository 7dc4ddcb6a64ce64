"""A registration with the keyboard alone, in Chromium: from the start page to a date, the form
with the municipality combobox, the error summary, fixing the errors, done.

No click and no ``fill``: only Tab, Shift+Tab, Enter, Space, arrow keys and typing. Every element
the Tab key reaches must show a focus indicator and be on screen.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.registrations.models import Registration, RegistrationStatus
from support import make_date

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]

# The focused element, how its focus shows, and whether it is on screen.
FOCUS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const name = (el.getAttribute("aria-label") || el.labels?.[0]?.textContent
    || el.textContent || el.name || "").trim().replace(/\\s+/g, " ").slice(0, 60);
  return {what: `${el.tagName.toLowerCase()} "${name}"`, ring: outline || shadow, onScreen};
}"""


class Keyboard:
    """Presses keys like a person and checks every focus stop the Tab key makes."""

    def __init__(self, page):
        self.page = page
        self.unseen: list[str] = []  # focus stops without a visible indicator

    def press(self, key: str) -> None:
        # A person tabs through what they see: after an Enter on a link, the next page once its
        # style sheet is there (a busy machine answers the HTML before the CSS).
        self.page.wait_for_load_state("load")
        self.page.keyboard.press(key)
        if key in ("Tab", "Shift+Tab"):
            focus = self.page.evaluate(FOCUS)
            if not (focus["ring"] and focus["onScreen"]):
                self.unseen.append(f"{focus['what']} {self.page.url}")

    def tab_to(self, locator, limit: int = 80) -> None:
        """Tab forward until ``locator`` has the focus (as a person scans the page)."""
        for _ in range(limit):
            self.press("Tab")
            if locator.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


@pytest.fixture
def date_id(app) -> int:
    date_id = make_date(app, capacity=5)
    with app.app_context():
        for name, state in (("Flensburg", FederalState.SH), ("Flörsheim am Main", FederalState.HE)):
            db.session.add(Municipality(name=name, kind=MunicipalityKind.CITY, state=state))
        db.session.add(
            Municipality(name="Kiel", kind=MunicipalityKind.INDEPENDENT_CITY, state=FederalState.SH)
        )
        db.session.commit()
    return date_id


def test_register_for_a_date_with_the_keyboard_only(app, page, date_id):
    keys = Keyboard(page)
    page.goto("/")

    # The first Tab reaches the skip link, visible; Enter moves on to the content.
    keys.press("Tab")
    expect(page.get_by_role("link", name="Zum Inhalt springen")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From the start page to the offering, and to its date's registration form.
    keys.tab_to(page.get_by_role("link", name="Grundlagen der Smart City"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grundlagen der Smart City")
    keys.tab_to(page.locator(".date-row summary").first)  # the date's details open on demand
    keys.press("Enter")
    keys.tab_to(page.get_by_role("link", name="Zur Anmeldung"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anmeldung")

    # The first attempt: an address without its domain, privacy not acknowledged.
    keys.tab_to(page.get_by_label("Ihr Name"))
    keys.type("Kim Kommune")
    keys.press("Tab")
    keys.type("kim@flensburg")
    keys.press("Tab")
    keys.press("Tab")  # past the function …
    keys.press("Shift+Tab")  # … and back to it
    expect(page.get_by_label("Ihre Funktion")).to_be_focused()
    keys.type("Digitalisierung")

    # The municipality: type to search the directory, pick a suggestion with the arrow keys
    # and Enter; its Land and kind come with it.
    keys.press("Tab")
    municipality = page.get_by_role("combobox", name="Ihre Kommune")
    expect(municipality).to_be_focused()
    expect(municipality).to_have_attribute("aria-expanded", "false")
    keys.type("fl")
    expect(municipality).to_have_attribute("aria-expanded", "true")
    suggestions = page.get_by_role("listbox", name="Bekannte Kommunen")
    expect(suggestions.locator(".combobox-label")).to_have_text(
        ["Flensburg (Schleswig-Holstein)", "Flörsheim am Main (Hessen)"]
    )
    expect(page.get_by_role("status").filter(has_text="Vorschläge")).to_have_text(
        "2 Vorschläge. Mit den Pfeiltasten wählen, mit der Eingabetaste übernehmen."
    )
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.press("ArrowUp")
    first = suggestions.get_by_role("option", name="Flensburg")
    expect(first).to_have_attribute("aria-selected", "true")
    expect(municipality).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    keys.press("Enter")  # takes the suggestion; does not send the form
    expect(municipality).to_have_value("Flensburg")
    expect(municipality).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anmeldung")
    expect(page.locator(".municipality-summary")).to_contain_text("Schleswig-Holstein · Stadt")
    expect(page.locator("select#state")).to_be_hidden()

    keys.tab_to(page.get_by_role("button", name="Verbindlich anmelden"))
    keys.press("Enter")

    # The error summary has the focus and is announced; each field says what is wrong.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "E-Mail-Adresse: Bitte geben Sie eine gültige E-Mail-Adresse an "
            "(zum Beispiel name@stadt.de).",
            "Ich habe die Datenschutzhinweise gelesen. – Bitte bestätigen Sie, dass Sie die "
            "Datenschutzhinweise gelesen haben.",
        ]
    )
    for label in ("E-Mail-Adresse", "Ich habe die Datenschutzhinweise gelesen."):
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby").split()
        error = page.locator(f"#{described[-1]}")
        expect(error).to_have_class("error")
        expect(field).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    expect(page.get_by_label("Ihr Name")).to_have_value("Kim Kommune")
    expect(page.get_by_label("Ihre Kommune")).to_have_value("Flensburg")

    # The first link leads into the e-mail field; put the address right.
    keys.press("Tab")
    keys.press("Enter")
    email = page.get_by_label("E-Mail-Adresse")
    expect(email).to_be_focused()
    keys.press("End")
    keys.type(".de")

    # The Land came with the choice and stays with the form shown again.
    expect(page.get_by_label("Bundesland", exact=True)).to_have_value("SH")

    # Space ticks the privacy box; Enter on the button sends the form.
    privacy = page.get_by_label("Ich habe die Datenschutzhinweise gelesen.")
    keys.tab_to(privacy)
    keys.press("Space")
    expect(privacy).to_be_checked()
    keys.tab_to(page.get_by_role("button", name="Verbindlich anmelden"))
    keys.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank für Ihre Anmeldung")
    assert keys.unseen == [], "focus stops without a visible focus indicator"
    with app.app_context():
        registration = db.session.execute(sa.select(Registration)).scalar_one()
        assert registration.event_date_id == date_id
        assert registration.status is RegistrationStatus.PENDING
        assert registration.municipality.name == "Flensburg"
        assert registration.person.email == "kim@flensburg.de"
