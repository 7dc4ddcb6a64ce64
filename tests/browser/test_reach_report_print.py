"""The reach report in Chromium: axe finds nothing, empty and filled, nothing scrolls sideways at
320 px, and printed to PDF it has pages with the figures and the directory's attribution,
without the filter form."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from accessibility import axe_violations, load_axe_on_every_page
from reach_world import PERIOD, build
from site_crawl import log_in
from site_seed import seed_accounts
from startsmart.staff.models import Role

pytestmark = pytest.mark.browser

FILLED = f"/staff/bericht/?von={PERIOD['von']}&bis={PERIOD['bis']}"


def _pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_report_is_accessible_and_prints_to_clean_pages(app, browser, live_server):
    seed_accounts(app)
    context = browser.new_context(base_url=live_server, locale="de-DE")
    try:
        load_axe_on_every_page(context)
        page = log_in(context, Role.EVENT_TEAM)
        page.goto("/staff/bericht/")
        assert page.locator("h1").inner_text() == "Reichweitenbericht"
        assert axe_violations(page) == []

        build(app)
        page.goto(FILLED)
        assert axe_violations(page) == []
        page.set_viewport_size({"width": 320, "height": 640})  # WCAG 1.4.10: no sideways page
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(
            f"/staff/bericht/kommunen?auswahl=reached&von={PERIOD['von']}&bis={PERIOD['bis']}"
        )
        assert axe_violations(page) == []

        page.goto(FILLED)
        page.emulate_media(media="print")
        pages, printed = _pdf_text(page.pdf(format="A4", print_background=False))
        assert pages >= 1
        assert "Reichweitenbericht" in printed
        assert "Zeitraum 01.01.2026 bis 31.12.2026" in printed
        assert "Statistisches Bundesamt (Destatis)" in printed
        assert "Bayern" in printed and "60,0 %" in printed
        assert "Bericht zeigen" not in printed  # the filter form stays on screen
        assert "Tabelle herunterladen" not in printed
        # The charts print: the map's legend and a bar label are SVG text in the PDF.
        assert "Karte der erreichten Kommunen" in printed
        assert "erreicht im Zeitraum" in printed
        assert printed.count("Schleswig-") >= 2  # in the chart and in the table (hyphenated)
    finally:
        context.close()
