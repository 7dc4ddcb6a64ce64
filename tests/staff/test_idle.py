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
