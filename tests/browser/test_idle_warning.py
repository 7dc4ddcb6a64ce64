"""The idle warning in Chromium: stay logged in, or be logged out without losing what was typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accessibility import axe_violations
from startsmart.staff.models import Role
from support import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.time_sensitive]


def test_warning_keeps_the_session_and_typed_text_survives_a_logout(app, page):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    saved = app.config["STAFF_IDLE_SECONDS"], app.config["STAFF_IDLE_WARNING_SECONDS"]
    app.config["STAFF_IDLE_SECONDS"], app.config["STAFF_IDLE_WARNING_SECONDS"] = 4, 3
    try:
        page.goto("/staff/login?next=/staff/konten/neu")
        page.get_by_label("E-Mail-Adresse").fill("admin@kts.example")
        page.get_by_label("Passwort").fill("ein-langes-test-passwort")
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_label("Name").fill("Nina Neu")
        warning = page.get_by_role("alertdialog")
        expect(warning).to_be_visible(timeout=5000)
        assert axe_violations(page) == []
        page.get_by_role("button", name="Angemeldet bleiben").click()
        expect(warning).to_be_hidden()
        expect(page.get_by_label("Name")).to_have_value("Nina Neu")
        # Now nobody answers the warning: the session ends, the page goes to the login.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Login für KTS-Mitarbeitende", timeout=10000
        )
        page.get_by_label("E-Mail-Adresse").fill("admin@kts.example")
        page.get_by_label("Passwort").fill("ein-langes-test-passwort")
        page.get_by_role("button", name="Anmelden").click()
        expect(page.get_by_label("Name")).to_have_value("Nina Neu")
        expect(page.get_by_text("Ihre Eingaben wurden wiederhergestellt")).to_be_visible()
    finally:
        app.config["STAFF_IDLE_SECONDS"], app.config["STAFF_IDLE_WARNING_SECONDS"] = saved
