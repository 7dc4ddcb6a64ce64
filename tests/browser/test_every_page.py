"""Every public and staff page, filled with realistic data, in Chromium: WCAG 2.0/2.1 A and AA
by axe-core (0 violations), reflow at 320 CSS px (WCAG 1.4.10), a visible focus on every
element a keyboard reaches (2.4.7), and a check that the crawl leaves out no HTML page of
``app.url_map``.

The crawl runs once per test module (seeding and walking take a few seconds); each test reads
its results. Every test also takes ``app``, whose teardown empties the database again.
"""

from __future__ import annotations

import pytest

from site_crawl import crawl
from site_pages import NOT_AN_ENDPOINT, NOT_PAGES, PAGES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shown(_app, browser, live_server):
    return list(crawl(browser, live_server, _app))


def _get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_the_inventory_names_only_real_routes(app):
    routes = _get_endpoints(app)
    listed = set(PAGES) - NOT_AN_ENDPOINT
    assert sorted(listed - routes) == [], "PAGES names endpoints that do not exist (any more)"
    assert sorted(set(NOT_PAGES) - routes) == [], "NOT_PAGES names endpoints that do not exist"
    assert sorted(listed & set(NOT_PAGES)) == [], "an endpoint is both a page and not a page"


def test_the_crawl_shows_every_html_page_of_the_app(app, shown):
    missing = _get_endpoints(app) - set(NOT_PAGES) - {s.endpoint for s in shown}
    assert sorted(missing) == [], (
        "GET routes the crawl never showed: add each to site_pages.PAGES (or, if it serves "
        "no HTML page, to NOT_PAGES with the reason)"
    )


def test_every_visit_reaches_the_state_it_is_meant_to_show(app, shown):
    wrong = {s.visit.name: s.state for s in shown if s.state}
    assert wrong == {}


def test_no_page_has_wcag_a_or_aa_violations(app, shown):
    found = {s.visit.name: s.violations for s in shown if s.violations}
    assert found == {}


def test_no_page_scrolls_sideways_at_320_css_pixels(app, shown):
    wide = {s.visit.name: s.overflow for s in shown if s.overflow > 0}
    assert wide == {}


def test_boxes_that_scroll_sideways_are_named_regions_a_keyboard_can_reach(app, shown):
    unreachable = {s.visit.name: s.boxes for s in shown if s.boxes}
    assert unreachable == {}


def test_everything_a_keyboard_reaches_shows_its_focus(app, shown):
    unringed = {s.visit.name: s.unringed for s in shown if s.unringed}
    assert unringed == {}
