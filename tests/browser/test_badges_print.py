"""A conference's badges and room signs in Chromium: axe finds nothing, and printed to PDF the
badges are eight an A4 page, none cut by a page break, a name of 200 characters stays inside
its badge, and each room sign is a page of its own."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from accessibility import axe_violations, load_axe_on_every_page
from badge_world import LONG_NAME, world
from site_crawl import log_in
from site_seed import seed_accounts
from startsmart.staff.models import Role

pytestmark = pytest.mark.browser

# Every badge's box and whether anything in it reaches beyond it (names, Kommune, QR code).
BADGE_BOXES = """() => [...document.querySelectorAll('.badge')].map(badge => {
  const box = badge.getBoundingClientRect();
  const spills = [...badge.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
      || r.top < box.top - 1 || r.bottom > box.bottom + 1);
  }).map(el => el.tagName + '.' + el.className);
  return {top: box.top, height: box.height, spills: spills,
          overflowing: badge.scrollHeight > badge.clientHeight + 1
            || badge.scrollWidth > badge.clientWidth + 1};
})"""


def _pdf(page) -> list[str]:
    """The text of each printed page, lines joined, ligatures ("ﬀ") as letters."""
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=False)))
    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in reader.pages]


def test_badges_and_signs_print_to_clean_pages(app, browser, live_server):
    seed_accounts(app)
    conference, _ids, _day = world(app, extra_people=7)  # 10 confirmed people
    context = browser.new_context(base_url=live_server, locale="de-DE")
    try:
        load_axe_on_every_page(context)
        page = log_in(context, Role.EVENT_TEAM)

        page.goto(f"/staff/regionalkonferenzen/{conference.id}/namensschilder")
        assert page.locator("h1").inner_text() == "Namensschilder"
        assert axe_violations(page) == []
        page.emulate_media(media="print")
        boxes = page.evaluate(BADGE_BOXES)
        assert len(boxes) == 10
        assert not [b for b in boxes if b["spills"] or b["overflowing"]], boxes
        printed = _pdf(page)
        assert len(printed) == 2  # 8 + 2
        assert printed[0].count("Regionalkonferenz Nord") == 8
        assert printed[1].count("Regionalkonferenz Nord") == 2
        assert "Jürgen Groß" in printed[0] and "Ada Öztürk" in printed[0]
        assert "Husum" in printed[0] and "Flensburg" in printed[0]
        assert "Person 7" in printed[1]
        whole = "".join(printed).replace(" ", "").replace("-", "")
        assert LONG_NAME.replace(" ", "").replace("-", "") in whole
        assert "Namensschilder" not in "".join(printed)  # the page's heading stays on screen
        assert "Abmelden" not in "".join(printed) and "Impressum" not in "".join(printed)

        page.emulate_media(media="screen")
        page.goto(f"/staff/regionalkonferenzen/{conference.id}/raumschilder")
        assert axe_violations(page) == []
        page.emulate_media(media="print")
        signs = _pdf(page)
        assert len(signs) == 3
        assert "Programm des Tages" in signs[0] and "Mittagspause" in signs[0]
        assert "Großer Saal" in signs[1] and "Begrüßung" in signs[1]
        assert "Dr. Jana Beispiel" in signs[1] and "Offene Daten" not in signs[1]
        assert "Raum 2" in signs[2] and "Offene Daten" in signs[2]
        assert "Smarte Straßen" in signs[2] and "10:00–11:00 Uhr" in signs[2]
        assert "Impressum" not in "".join(signs)
    finally:
        context.close()
