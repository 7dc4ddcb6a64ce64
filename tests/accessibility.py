"""axe-core (shipped inside the axe-playwright-python wheel, never from a CDN) in Chromium."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
AXE_SOURCE = Axe().axe_script


def load_axe_on_every_page(context) -> None:
    """Have axe in every page the context opens, so a crawl need not send it again each time."""
    context.add_init_script(script=AXE_SOURCE)


def axe_violations(page) -> list[str]:
    """Run axe on the current page with the WCAG 2.0/2.1 A and AA rules; one line per problem."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)", AXE_OPTIONS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in violations
    ]
