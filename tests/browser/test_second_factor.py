"""The second factor in Chromium: an admin without one sets up the app on the way in (QR code
and key on the page, the first code confirms it, recovery codes once), then signs in with a code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accessibility import axe_violations
from second_factor_support import code_now
from startsmart.staff.models import Role
from support import DEFAULT_PASSWORD, make_staff

pytestmark = pytest.mark.browser


def _password_step(page, next_page: str = "") -> None:
    page.goto("/staff/login" + (f"?next={next_page}" if next_page else ""))
    page.get_by_label("E-Mail-Adresse").fill("admin@kts.example")
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_admin_sets_up_the_app_then_signs_in_with_a_code(app, page, monkeypatch, travel):
    monkeypatch.setitem(app.config, "STAFF_SECOND_FACTOR_ROLES", ["admin"])
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")

    _password_step(page, "/staff/konten")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zweiten Faktor einrichten")
    expect(page.locator("figure.qr-setup svg")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/staff/konten")  # nothing else opens before the set-up
    expect(page.get_by_role("heading", level=1)).to_have_text("Login für KTS-Mitarbeitende")

    page.go_back()
    page.reload()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code aus der App").fill(code_now(secret))
    page.get_by_role("button", name="Einrichten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wiederherstellungscodes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Weiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konten der Mitarbeitenden")

    page.get_by_role("button", name="Abmelden").click()
    travel.shift(timedelta(seconds=30))  # the app shows the next code
    _password_step(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung: zweiter Faktor")
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(code_now(secret))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Guten Tag, Ada Admin")
