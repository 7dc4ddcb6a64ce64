"""Screenshots of the start page and the registration form with the demo data, at a phone's
width and a desktop's, as files to look at (issue 20; the catalogue and the slot picker take
theirs in test_catalogue_layout.py and test_slot_picker.py). Each page must also fit its width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)


def _register_url(page) -> str:
    page.goto("/angebote/")
    link = page.locator(".date-row a", has_text="Zur Anmeldung").first
    return link.get_attribute("href")


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_start_page_and_the_registration_form(
    demo, fresh_page, screenshots, width
):
    page = fresh_page(width)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shots = {"start": None, "registration-form": _register_url(page)}
    for name, url in shots.items():
        page.goto(url or "/")
        if name == "registration-form":
            expect(page.get_by_role("button", name="Verbindlich anmelden")).to_be_visible()
        path = screenshots / f"{name}-{width}.png"
        page.screenshot(path=path, full_page=True)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
