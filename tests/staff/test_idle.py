"""Staff sessions end on the server after a while without activity."""

from __future__ import annotations

import re

import pytest

from startsmart import clock
from startsmart.staff.models import Role
from support import login, make_staff, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def test_an_idle_session_ends_with_a_clear_message(app, client):
    make_staff(app, email="bea@kts.example", role=Role.ADMIN)
    login(client, "bea@kts.example")
    assert client.get("/staff/konten").status_code == 200
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - app.config["STAFF_IDLE_SECONDS"] - 5
    response = client.get("/staff/konten")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/staff/konten"
    assert "ohne Aktivität abgemeldet" in text(client.get(response.headers["Location"]))
    assert client.get("/staff/konten").status_code == 302  # really logged out


def test_activity_and_the_keep_alive_button_renew_the_session(app, client):
    make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    page = text(client.get("/staff/"))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    assert 'data-idle-seconds="1800"' in page
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - app.config["STAFF_IDLE_SECONDS"] + 30
    response = client.post("/staff/sitzung-verlaengern", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json["status"] == "ok"
    with client.session_transaction() as session:
        assert clock.now().timestamp() - session["last_active"] < 5
    assert client.get("/staff/").status_code == 200


def test_public_pages_carry_no_idle_script(client):
    page = text(client.get("/"))
    assert "idle.js" not in page and "csrf-token" not in page


def test_a_late_kommune_search_cannot_undo_the_form_sent_meanwhile(app, client):
    """The Kommune field asks for suggestions while one types; that request can leave before
    the form is sent and be answered after it. Its answer must not set the session cookie it
    came with (from before the form), or the form's confirmation message is lost (as it was
    at the speed-dating check-in tablet)."""
    make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    client.get("/staff/")
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    with client.session_transaction() as session:
        session["last_active"] = clock.now().timestamp() - 60
    typing = app.test_client()  # the search, still carrying the cookie of before
    typing.set_cookie(name, cookie.value)
    response = typing.get("/kommunen/suche?q=Ki", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    # A page, by contrast, counts as activity and renews the session (and its cookie).
    assert "Set-Cookie" in typing.get("/staff/").headers
