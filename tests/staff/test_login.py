"""Staff login: the right people get in, everybody else gets the same answer and no hint."""

from __future__ import annotations

import re

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from support import DEFAULT_PASSWORD, csrf_token, login, make_staff, submit, text

WRONG = "E-Mail-Adresse oder Passwort ist nicht richtig."


def _without_token(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_staff_member_logs_in_and_sees_the_dashboard(app, client):
    make_staff(app, email="bea@kts.example", name="Bea Berater")
    response = login(client, "Bea@KTS.example ")  # spelling of the address does not matter
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    page = text(client.get("/staff/"))
    assert "Guten Tag, Bea Berater" in page
    with app.app_context():
        user = db.session.execute(sa.select(StaffUser)).scalar_one()
        assert user.last_login_at is not None


def test_unknown_email_and_wrong_password_get_the_same_answer(app, client):
    make_staff(app, email="bea@kts.example")
    wrong_password = login(client, "bea@kts.example", "falsches-passwort-123")
    unknown = login(client, "niemand@kts.example", "falsches-passwort-123")
    assert wrong_password.status_code == unknown.status_code == 200
    assert WRONG in text(wrong_password)
    assert _without_token(text(wrong_password)).replace("bea@kts.example", "X") == _without_token(
        text(unknown)
    ).replace("niemand@kts.example", "X")
    assert client.get("/staff/").status_code == 302  # still not logged in


def test_typed_email_is_kept_after_a_failed_login(app, client):
    response = login(client, "bea@kts.example", "falsch-falsch-falsch")
    assert 'value="bea@kts.example"' in text(response)


def test_deactivated_account_cannot_log_in(app, client):
    make_staff(app, email="alt@kts.example", active=False)
    assert WRONG in text(login(client, "alt@kts.example"))


def test_login_without_csrf_token_changes_nothing(app, client):
    make_staff(app, email="bea@kts.example")
    response = client.post(
        "/staff/login", data={"email": "bea@kts.example", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert "Aus Sicherheitsgründen wurde nichts gespeichert" in text(response)
    assert client.get("/staff/").status_code == 302


def test_login_is_rate_limited_with_a_page_in_german(app, client):
    make_staff(app, email="bea@kts.example")
    token = csrf_token(client, "/staff/login")
    data = {"csrf_token": token, "email": "bea@kts.example", "password": "falsch-falsch-falsch"}
    # Each guess at another account: the limit per address, not the one per account.
    codes = [
        client.post("/staff/login", data={**data, "email": f"n{i}@kts.example"}).status_code
        for i in range(11)
    ]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    limited = client.post("/staff/login", data={**data, "password": DEFAULT_PASSWORD})
    assert limited.status_code == 429
    assert "Zu viele Versuche" in text(limited)
    assert client.get("/staff/").status_code == 302  # even the right password did not get in


def test_login_starts_a_new_session(app, client):
    make_staff(app, email="bea@kts.example")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "bea@kts.example")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_next_leads_back_to_the_page_but_never_off_site(app, client):
    make_staff(app, email="admin@kts.example", role=Role.ADMIN)
    page = "/staff/login?next=/staff/konten"
    assert (
        submit(client, page, {"email": "admin@kts.example", "password": DEFAULT_PASSWORD}).headers[
            "Location"
        ]
        == "/staff/konten"
    )
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    for evil in ["//evil.example", "https://evil.example/", "/\\evil.example", "/%0d%0aX: y"]:
        response = submit(
            client,
            "/staff/login",
            {"email": "admin@kts.example", "password": DEFAULT_PASSWORD},
            action=f"/staff/login?next={evil}",
        )
        assert (
            response.headers["Location"] in ("/staff/", f"{evil}")
            and "evil" not in (response.headers["Location"])
        ), evil
        client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})


def test_logout_needs_a_post_and_ends_the_session(app, client):
    make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/").status_code == 200
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_a_stolen_cookie_stops_working_when_the_account_is_deactivated(app, client):
    user_id = make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        user.active = False
        db.session.commit()
    assert client.get("/staff/").status_code == 302
