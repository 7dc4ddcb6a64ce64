"""The staff list of consultations (upcoming, follow-up overdue, recently held) and the
dashboard card that points to the overdue follow-ups."""

from __future__ import annotations

import pytest

from consultation_support import make_advisor
from startsmart import clock
from startsmart.staff.models import Role
from support import csrf_token, login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def test_advisor_sees_own_upcoming_overdue_and_recent_consultations(
    app, client, slot, staff_booking
):
    make_advisor(app, "a@kts.example", name="Anna")
    make_advisor(app, "b@kts.example", name="Ben", hours=[])
    overdue = staff_booking(slot(-12), 1)  # held, follow-up overdue
    fresh = staff_booking(slot(-1), 2)  # held on the last working day
    coming = staff_booking(slot(7), 3, now=clock.now())
    old = staff_booking(slot(-120), 4)
    login(client, "a@kts.example")
    page = text(client.get("/staff/beratungen/"))
    overdue_section = page.split('id="overdue-title"')[1].split('id="upcoming-title"')[0]
    upcoming_section = page.split('id="upcoming-title"')[1].split('id="recent-title"')[0]
    recent_section = page.split('id="recent-title"')[1]
    assert f"/staff/beratungen/{overdue}" in overdue_section
    assert f"/staff/beratungen/{coming}" in upcoming_section
    assert f"/staff/beratungen/{overdue}" in recent_section and "überfällig" in recent_section
    assert f"/staff/beratungen/{fresh}" in recent_section
    assert f"/staff/beratungen/{old}" not in recent_section  # beyond the 90 days
    assert f"/staff/beratungen/{old}" in overdue_section  # but still owed a follow-up
    assert "Sie sehen Ihre eigenen Beratungen." in page

    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    login(client, "b@kts.example")
    page = text(client.get("/staff/beratungen/"))
    assert "Kein Follow-up ist überfällig." in page and "Keine kommenden Beratungen." in page
    page = text(client.get("/staff/beratungen/?alle=1"))
    assert f"/staff/beratungen/{overdue}" in page and f"/staff/beratungen/{coming}" in page


def test_dashboard_card_counts_overdue_follow_ups(app, client, slot, staff_booking):
    make_advisor(app, "a@kts.example", name="Anna")
    staff_booking(slot(-12), 1)
    staff_booking(slot(-19), 2)
    login(client, "a@kts.example")
    page = text(client.get("/staff/"))
    assert "2 Follow-ups sind überfällig." in page
    assert 'href="/staff/beratungen/#ueberfaellig"' in page
    assert 'href="/staff/beratungszeiten/"' in page
    assert 'href="/staff/beratungen/kalender-abo"' in page
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})

    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada")
    login(client, "admin@kts.example")
    page = text(client.get("/staff/"))
    assert "2 Follow-ups sind überfällig." in page
    assert "kalender-abo" not in page  # admins hold no consultations of their own
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})

    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM, name="Eva")
    login(client, "team@kts.example")
    page = text(client.get("/staff/"))
    assert "Follow-ups sind überfällig" not in page
    assert 'href="/staff/beratungen/neu"' in page
