"""Walk every page of ``site_pages`` in one Chromium: axe-core and a 320 px reflow check on each.

One browser context per role (logged in once through the login form), one tab each, reused for
every visit; each page is checked at 1280 px with axe, then narrowed to 320 px in place.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from accessibility import axe_violations, load_axe_on_every_page
from databases import empty_all_tables
from dgs_media import put_dgs_media
from site_pages import PAGES, Visit
from site_seed import LOGINS, Site, seed, seed_accounts

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}

# What a text field of a form can be emptied through (hidden honeypots are skipped: not visible).
TEXT_FIELDS = (
    "input:not([type]), input[type=text], input[type=email], input[type=password], "
    "input[type=number], input[type=date], input[type=time], input[type=url], input[type=tel], "
    "input[type=search], textarea"
)

# At 320 CSS px: how far the page scrolls sideways, and every element that scrolls sideways
# on its own, unless it is a named region a keyboard can reach (WCAG 1.4.10 allows data
# tables to scroll in their own box; 2.1.1 needs that box focusable to scroll it by keyboard).
REFLOW = """() => {
  const root = document.scrollingElement;
  const boxes = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (el.scrollWidth <= el.clientWidth + 1 || el.matches("textarea, select, input")) continue;
    const style = getComputedStyle(el);
    if (!["auto", "scroll"].includes(style.overflowX)) continue;
    const named = el.getAttribute("role") === "region"
      && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
    if (!named || el.tabIndex < 0) {
      boxes.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
    }
  }
  return {overflow: root.scrollWidth - root.clientWidth, boxes};
}"""


# Every element a keyboard can reach, focused in turn: those that show no focus indicator
# (an outline of 2 px or more, or a box shadow) while focused from the keyboard (WCAG 2.4.7).
FOCUS_RINGS = """() => {
  const reachable = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[tabindex]:not([tabindex='-1'])";
  const missing = [];
  for (const el of document.querySelectorAll(reachable)) {
    if (el.disabled || !el.getClientRects().length) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    el.focus();
    if (document.activeElement !== el || !el.matches(":focus-visible")) continue;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    if (!outline && style.boxShadow === "none") {
      const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim();
      missing.push(`${el.tagName.toLowerCase()} "${name.replace(/\\s+/g, " ").slice(0, 40)}"`);
    }
  }
  document.activeElement?.blur();
  return missing;
}"""


# On an English page: each of the seeded content's German texts (given) found in a text node of
# the body outside an element marked lang="de" (WCAG 3.1.2; axe cannot tell German from
# English). The <title> cannot mark a part as German and is left out.
UNMARKED_GERMAN = """(texts) => {
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || element.closest("script, style, template")) continue;
    const marked = element.closest("[lang]");
    if (marked && marked.getAttribute("lang").toLowerCase().startsWith("de")) continue;
    for (const text of texts) {
      const tag = element.tagName.toLowerCase();
      if (node.data.includes(text)) found.add(`${tag} "${text.slice(0, 50)}"`);
    }
  }
  return [...found];
}"""


@dataclass
class Shown:
    """What one visit showed, and what was wrong with it."""

    visit: Visit
    url: str = ""
    endpoint: str | None = None
    state: list[str] = field(default_factory=list)  # the visit did not reach its state
    violations: list[str] = field(default_factory=list)  # axe, WCAG 2.0/2.1 A and AA
    overflow: int = 0  # px the page scrolls sideways at 320 px
    boxes: list[str] = field(default_factory=list)  # scrolling boxes a keyboard cannot reach
    unringed: list[str] = field(default_factory=list)  # focusable, but no visible focus
    # English page: seeded German content outside lang="de" (public pages, UNMARKED_GERMAN)
    unmarked_german: list[str] = field(default_factory=list)


def endpoint_of(app: Flask, url: str) -> str | None:
    path = "/" + url.split("://", 1)[-1].split("/", 1)[-1]
    path, _, query = path.partition("?")
    try:
        endpoint, _args = app.url_map.bind("startsmart.test").match(path, "GET", query_args=query)
    except (HTTPException, RequestRedirect):
        return None
    return endpoint


def log_in(context, role):
    email, password = LOGINS[role]
    page = context.new_page()
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/staff/")
    return page


def crawl(browser, base_url: str, app: Flask) -> Iterator[Shown]:
    """Show every visit of ``PAGES``: first those of the empty site (a fresh installation with
    two staff accounts), then, after seeding, those of the filled one."""
    # Let each tab keep CSS, scripts and images instead of asking again on every page (as
    # behind the production proxy): the walk is about the pages, and twice as fast so.
    saved = app.config["SEND_FILE_MAX_AGE_DEFAULT"], app.config["MEDIA_DIR"]
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    # The DGS video and its captions, for the visits that configure them (Visit.settings).
    media = tempfile.TemporaryDirectory(prefix="crawl-media-")
    app.config["MEDIA_DIR"] = media.name
    put_dgs_media(browser, media.name)
    try:
        seed_accounts(app)
        # The empty site's visits use no ids or tokens; these only let the builders run.
        blank = Site(
            registration_tokens=defaultdict(str),
            registration_pages=defaultdict(str),
            consultation_tokens=defaultdict(str),
            consultation_ids=defaultdict(int),
            feedback_tokens=defaultdict(str),
        )
        yield from _walk(browser, base_url, app, blank, [v for v in _visits(blank) if v.empty])
        with app.app_context():
            empty_all_tables()
        site = seed(app)
        yield from _walk(browser, base_url, app, site, [v for v in _visits(site) if not v.empty])
    finally:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"], app.config["MEDIA_DIR"] = saved
        media.cleanup()


def _visits(site: Site) -> list[Visit]:
    return [visit for build in PAGES.values() for visit in build(site)]


def _walk(browser, base_url: str, app: Flask, site: Site, visits: list[Visit]) -> Iterator[Shown]:
    tabs = {}
    contexts = []
    try:
        for visit in visits:
            key = (visit.role, visit.language)
            if key not in tabs:
                context = browser.new_context(base_url=base_url, locale="de-DE", viewport=WIDE)
                context.set_default_timeout(15_000)
                load_axe_on_every_page(context)
                contexts.append(context)
                tab = log_in(context, visit.role) if visit.role else context.new_page()
                if visit.language != "de":
                    tab.goto(f"/sprache/{visit.language}")
                tabs[key] = tab
            yield show(tabs[key], visit, app, site)
    finally:
        for context in contexts:
            context.close()


def show(page, visit: Visit, app: Flask, site: Site) -> Shown:
    """The visit's page with its checks, under the visit's settings (restored afterwards)."""
    saved = {name: app.config.get(name) for name, _value in visit.settings}
    app.config.update(visit.settings)
    try:
        return _show(page, visit, app, site)
    finally:
        app.config.update(saved)


def _show(page, visit: Visit, app: Flask, site: Site) -> Shown:
    shown = Shown(visit)
    statuses: list[int] = []

    def document(response) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            statuses.append(response.status)

    page.on("response", document)
    try:
        if visit.steps:
            visit.steps(page, site)
        else:
            page.goto(visit.path)
            if visit.submit:
                _submit_empty(page, visit.submit, visit.fill)
        page.wait_for_load_state()
    except PlaywrightError as error:
        # Report it with the rest (one broken journey must not hide every other page's result).
        said = page.locator("h1, .error-summary, .flash").all_inner_texts()
        shown.state.append(f"{str(error).splitlines()[0]} on {page.url} {said}")
    finally:
        page.remove_listener("response", document)
    shown.url = page.url
    shown.endpoint = endpoint_of(app, page.url)
    if not statuses or statuses[-1] != visit.status:
        shown.state.append(f"status {statuses[-1:] or 'none'}, expected {visit.status}")
    language, errors_shown = page.evaluate(
        "() => [document.documentElement.lang,"
        " document.querySelector('.error-summary, .flash-error') !== null]"
    )
    if language != visit.language:
        shown.state.append(f"page in {language!r}, expected {visit.language!r}")
    if visit.submit and not errors_shown:
        shown.state.append("no error message after submitting the empty form")
    shown.violations = axe_violations(page)
    if visit.language == "en" and visit.role is None and site.german_texts:
        shown.unmarked_german = page.evaluate(UNMARKED_GERMAN, site.german_texts)
    page.keyboard.press("Shift")  # the last input was a key: focus now shows as for Tab
    shown.unringed = page.evaluate(FOCUS_RINGS)
    page.set_viewport_size(NARROW)
    try:
        reflow = page.evaluate(REFLOW)
    finally:
        page.set_viewport_size(WIDE)
    shown.overflow, shown.boxes = reflow["overflow"], reflow["boxes"]
    return shown


def _submit_empty(page, button_name: str, fill) -> None:
    button = page.get_by_role("button", name=button_name, exact=True)
    form = button.locator("xpath=ancestor::form[1]")
    # One round trip for all fields: what a person would do by clearing each visible one.
    form.evaluate(
        """(form, selector) => form.querySelectorAll(selector).forEach((field) => {
          if (field.offsetParent !== null && !field.readOnly && !field.disabled) field.value = "";
        })""",
        TEXT_FIELDS,
    )
    for label, value in fill:
        control = form.get_by_label(label, exact=True)
        if isinstance(value, bool):
            control.set_checked(value)
        elif control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    with page.expect_navigation():
        button.click()
