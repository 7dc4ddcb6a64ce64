"""Every public and staff page, filled with realistic data, in Chromium: WCAG 2.0/2.1 A and AA
by axe-core (0 violations), reflow at 320 CSS px (WCAG 1.4.10), a visible focus on every
element a keyboard reaches (2.4.7), on every public English page the seeded German content
only inside lang="de" (3.1.2), and a check that the crawl leaves out no HTML page of
``app.url_map``.

The crawl is one test, so that test workers never walk the site twice; its failure lists every
problem of every page, by kind.
"""

from __future__ import annotations

import pytest

from site_crawl import crawl
from site_pages import NOT_AN_ENDPOINT, NOT_PAGES, PAGES

pytestmark = pytest.mark.browser


def _get_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def test_the_inventory_names_only_real_routes(app):
    routes = _get_endpoints(app)
    listed = set(PAGES) - NOT_AN_ENDPOINT
    assert sorted(listed - routes) == [], "PAGES names endpoints that do not exist (any more)"
    assert sorted(set(NOT_PAGES) - routes) == [], "NOT_PAGES names endpoints that do not exist"
    assert sorted(listed & set(NOT_PAGES)) == [], "an endpoint is both a page and not a page"


def test_every_page_is_accessible(app, browser, live_server):
    shown = list(crawl(browser, live_server, app))
    missing = _get_endpoints(app) - set(NOT_PAGES) - {s.endpoint for s in shown}
    problems = {
        # Add each to site_pages.PAGES (or, serving no HTML page, to NOT_PAGES with the reason).
        "GET routes the crawl never showed": sorted(missing),
        "visits that did not reach their state": {s.visit.name: s.state for s in shown if s.state},
        "axe: WCAG 2.0/2.1 A and AA violations": {
            s.visit.name: s.violations for s in shown if s.violations
        },
        "scrolls sideways at 320 CSS px (px)": {
            s.visit.name: s.overflow for s in shown if s.overflow > 0
        },
        "boxes scrolling sideways that are no named, focusable region": {
            s.visit.name: s.boxes for s in shown if s.boxes
        },
        "focusable, but no visible focus": {s.visit.name: s.unringed for s in shown if s.unringed},
        'English page: seeded German content outside lang="de" (WCAG 3.1.2)': {
            s.visit.name: s.unmarked_german for s in shown if s.unmarked_german
        },
    }
    problems = {kind: found for kind, found in problems.items() if found}
    assert not problems, _report(problems)
    assert len(shown) > 100  # the walk really went through the site
    checked = [s for s in shown if s.visit.language == "en" and s.visit.role is None]
    assert len(checked) >= 10  # the German-content check really looked at English pages


def _report(problems: dict) -> str:
    """One line per page and kind of problem, readable in the test output."""
    lines = []
    for kind, found in problems.items():
        lines.append(f"{kind}:")
        if isinstance(found, dict):
            for page, detail in found.items():
                text = "; ".join(detail) if isinstance(detail, list) else str(detail)
                lines.append(f"  {page}: {text}")
        else:
            lines.extend(f"  {item}" for item in found)
    return "\n".join(lines)
