"""Advisors run consultations, not events: the speed-dating staff pages are the event team's
(and the admins')."""

from __future__ import annotations

import pytest

from startsmart.staff.models import Role
from support import csrf_token, login, make_staff

PAGES = ["", "/einstellungen", "/check-in", "/karten", "/tische", "/plan.csv", "/plan.json"]
POSTS = ["/check-in", "/check-in/ohne-anmeldung", "/plan", "/ablauf/start", "/kontakte"]


def test_advisors_get_403_everywhere(app, client, event, base):
    make_staff(app, email="bea@kts.example", role=Role.ADVISOR)
    login(client, "bea@kts.example")
    for page in PAGES:
        assert client.get(base + page).status_code == 403, page
    token = csrf_token(client, "/staff/")
    for page in POSTS:
        assert client.post(base + page, data={"csrf_token": token}).status_code == 403, page
    conference = base.rsplit("/", 1)[0]
    assert client.get(conference).status_code == 403


@pytest.mark.parametrize("role", [Role.EVENT_TEAM, Role.ADMIN])
def test_event_team_and_admins_may(app, client, event, base, role):
    make_staff(app, email="wer@kts.example", role=role)
    login(client, "wer@kts.example")
    event.everyone_here(2)
    event.plan()
    for page in PAGES:
        assert client.get(base + page).status_code == 200, page


def test_unknown_conference_is_404(team_client, event):
    assert team_client.get("/staff/regionalkonferenzen/999/speed-dating").status_code == 404
    assert (
        team_client.get("/staff/regionalkonferenzen/999/speed-dating/plan.json").status_code == 404
    )
