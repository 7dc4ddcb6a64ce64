"""The presenter screen asks for the plan every few seconds: that keeps the staff session alive
(a projector runs a whole speed-dating without a click), but never rewrites the session, so a
late answer cannot undo what a form sent meanwhile put there (its confirmation message)."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest

from speed_dating_support import EVENT_TEAM, make_event
from startsmart import clock
from support import csrf_token, login, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def _apply_cookies(response, client) -> None:
    """What a browser does with an answer's Set-Cookie lines, whenever the answer arrives."""
    for line in response.headers.getlist("Set-Cookie"):
        for name, morsel in SimpleCookie(line).items():
            client.set_cookie(name, morsel.value)


def test_a_late_presenter_poll_cannot_undo_the_form_sent_meanwhile(app, client):
    event = make_event(app)
    registration_id = event.register("Kim Kommune", "Kiel")
    login(client, EVENT_TEAM)
    base = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating"
    name = app.config["SESSION_COOKIE_NAME"]
    token = csrf_token(client, f"{base}/check-in")
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - 60
    before = client.get_cookie(name).value  # what the poll, on its way, carries

    # The check-in form is sent while the projector's poll is under way ...
    sent = client.post(
        f"{base}/check-in",
        data={"csrf_token": token, "registration_id": str(registration_id), "present": "1"},
    )
    assert sent.status_code == 302
    # ... and the poll's answer arrives after the form's, before the browser follows it.
    projector = app.test_client()
    projector.set_cookie(name, before)
    poll = projector.get(f"{base}/plan.json", headers={"Accept": "application/json"})
    assert poll.status_code == 200 and poll.is_json
    assert not any(line.startswith(f"{name}=") for line in poll.headers.getlist("Set-Cookie"))
    _apply_cookies(poll, client)

    page = text(client.get(sent.headers["Location"]))
    assert "Kim Kommune ist als anwesend markiert." in page


def test_the_polling_presenter_screen_keeps_the_session_alive(app, client, travel):
    event = make_event(app)
    login(client, EVENT_TEAM)
    plan = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating/plan.json"
    assert client.get("/staff/").status_code == 200
    idle = app.config["STAFF_IDLE_SECONDS"]
    # An hour of speed-dating with nothing but the screen asking (every 10 minutes here).
    for _ in range(6):
        travel.shift(timedelta(seconds=600))
        response = client.get(plan, headers={"Accept": "application/json"})
        assert response.status_code == 200 and response.is_json
    assert client.get("/staff/").status_code == 200
    # Without the screen, the session still ends after the idle time.
    travel.shift(timedelta(seconds=idle + 5))
    response = client.get(plan, headers={"Accept": "application/json"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")
    assert client.get("/staff/").status_code == 302


def test_an_activity_cookie_counts_for_its_own_login_only(app, client, travel):
    event = make_event(app)
    login(client, EVENT_TEAM)
    plan = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating/plan.json"
    assert client.get(plan, headers={"Accept": "application/json"}).status_code == 200
    activity = client.get_cookie(app.config["SESSION_COOKIE_NAME"] + "_active")
    assert activity is not None
    page = text(client.get("/staff/"))
    logout_token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post("/staff/logout", data={"csrf_token": logout_token}).status_code == 302
    login(client, EVENT_TEAM)
    client.set_cookie(activity.key, activity.value)  # the earlier login's, renewed just now
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - app.config["STAFF_IDLE_SECONDS"] - 5
    assert client.get("/staff/").status_code == 302  # idle all the same

    login(client, EVENT_TEAM)
    client.set_cookie(activity.key, "forged." + activity.value)
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - app.config["STAFF_IDLE_SECONDS"] - 5
    assert client.get("/staff/").status_code == 302
