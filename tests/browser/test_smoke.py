"""A first walk through the app in Chromium: start page, language, staff login, skip link.

WCAG checks of every page (axe-core, 320 px) are in test_every_page.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from startsmart.staff.models import Role
from support import make_staff

pytestmark = pytest.mark.browser


def test_start_page_language_switch_login_dashboard_logout(app, page):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start Smart")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Four offerings for your municipality")).to_be_visible()
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Vier Angebote für Ihre Kommune")).to_be_visible()

    page.get_by_role("link", name="Login für KTS-Mitarbeitende").click()
    page.get_by_label("E-Mail-Adresse").fill("admin@kts.example")
    page.get_by_label("Passwort").fill("ein-langes-test-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Guten Tag, Ada Admin")

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    page.goto("/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))


def test_failed_login_shows_the_error_summary_and_keeps_the_address(app, page):
    page.goto("/staff/login")
    page.get_by_label("E-Mail-Adresse").fill("bea@kts.example")
    page.get_by_label("Passwort").fill("falsch-falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("E-Mail-Adresse oder Passwort ist nicht richtig.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("bea@kts.example")


def test_keyboard_user_reaches_the_content_with_the_skip_link(app, page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_no_console_errors_or_blocked_resources(app, page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
    page.on(
        "response", lambda r: problems.append(f"{r.url}: {r.status}") if r.status >= 400 else None
    )
    for path in ("/", "/staff/login", "/angebote/"):
        page.goto(path, wait_until="networkidle")
    assert problems == []
