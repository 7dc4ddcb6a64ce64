"""A staff session ends on the server: a copy of its cookie, replayed after the logout, a
password change, a deactivation or a role change, gets the login page; and no session outlives
PERMANENT_SESSION_LIFETIME from its login, however busy it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from environment import DATABASE
from startsmart import create_app
from startsmart.extensions import db
from startsmart.staff.models import Role
from support import app_config, csrf_token, login, make_staff, submit, text

COOKIE = "startsmart_session"
HOST_COOKIE = "__Host-startsmart_session"  # its name in production
ADMIN = "admin@kts.example"
BEA = "bea@kts.example"
NEW_PASSWORD = "ein-ganz-neues-passwort"


def _copy_of_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "not logged in"
    return cookie.value


def _replayed(app: Flask, cookie: str) -> FlaskClient:
    """Another browser that sends the copied cookie, as whoever copied it would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def _gets_the_login_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302, f"{path} still opens"
    assert response.headers["Location"].startswith("/staff/login"), response.headers["Location"]


def _logged_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    login(client, email)
    assert client.get("/staff/").status_code == 200
    return client


def _logout(client: FlaskClient) -> None:
    response = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert response.status_code == 302


def test_a_cookie_replayed_after_logout_gets_the_login_page(app):
    make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    ada = _logged_in(app, ADMIN)
    assert ada.get("/staff/konten").status_code == 200
    copied = _copy_of_cookie(ada)
    _logout(ada)
    thief = _replayed(app, copied)
    _gets_the_login_page(thief, "/staff/")
    _gets_the_login_page(thief, "/staff/konten")
    assert "Bitte melden Sie sich an" in text(thief.get("/staff/login"))


def test_logging_out_in_one_browser_leaves_the_others_of_the_account_open(app):
    """One account on the laptop and on a check-in tablet: the laptop's logout ends only the
    laptop's session (each login is its own row on the server)."""
    make_staff(app, email=BEA)
    laptop, tablet = _logged_in(app, BEA), _logged_in(app, BEA)
    _logout(laptop)
    _gets_the_login_page(laptop, "/staff/")
    assert tablet.get("/staff/").status_code == 200


def test_a_password_change_ends_every_earlier_cookie_and_the_changer_goes_on(app):
    make_staff(app, email=BEA)
    bea, elsewhere = _logged_in(app, BEA), _logged_in(app, BEA)
    copied = _copy_of_cookie(bea)
    response = submit(
        bea,
        "/staff/passwort",
        {
            "current_password": "ein-langes-test-passwort",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    # The browser that changed it goes on, in a new session ...
    page = bea.get("/staff/")
    assert page.status_code == 200 and "Andere Anmeldungen wurden beendet" in text(page)
    # ... but the cookie it had before (perhaps the reason for the change) opens nothing,
    # and neither does the other browser's.
    _gets_the_login_page(_replayed(app, copied), "/staff/")
    _gets_the_login_page(elsewhere, "/staff/")


@pytest.mark.parametrize(
    ("change", "bea_comes_back"),
    [
        ({"role": "event_team", "active": "y"}, True),
        ({"role": "advisor", "confirm_deactivation": "Ja, Konto deaktivieren"}, False),
    ],
    ids=["role changed", "deactivated"],
)
def test_an_admins_change_to_an_account_ends_its_sessions(app, change, bea_comes_back):
    make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    bea_id = make_staff(app, email=BEA, role=Role.ADVISOR)
    bea = _logged_in(app, BEA)
    copied = _copy_of_cookie(bea)
    ada = _logged_in(app, ADMIN)
    response = submit(ada, f"/staff/konten/{bea_id}", change)
    assert response.status_code == 302
    _gets_the_login_page(bea, "/staff/")
    _gets_the_login_page(_replayed(app, copied), "/staff/")
    if bea_comes_back:  # with the new role, after logging in again
        again = _logged_in(app, BEA)
        assert "Veranstaltungsteam" in text(again.get("/staff/"))
    assert ada.get("/staff/konten").status_code == 200  # the admin's own session is untouched


@pytest.mark.time_sensitive
def test_a_session_in_constant_use_ends_at_its_lifetime_from_the_login(app, travel):
    make_staff(app, email=BEA)
    bea = _logged_in(app, BEA)
    lifetime = timedelta(seconds=app.config["PERMANENT_SESSION_LIFETIME"])
    step = timedelta(minutes=20)  # always active: well inside the idle timeout
    used_for = timedelta(0)
    while used_for + step < lifetime:
        travel.shift(step)
        used_for += step
        assert bea.get("/staff/").status_code == 200, f"ended after {used_for}"
    copied = _copy_of_cookie(bea)  # signed a moment ago
    travel.shift(lifetime - used_for + timedelta(seconds=1))
    response = bea.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login?next=/staff/"
    assert "längste erlaubte Dauer" in text(bea.get(response.headers["Location"]))
    _gets_the_login_page(bea, "/staff/")
    _gets_the_login_page(_replayed(app, copied), "/staff/")
    assert _logged_in(app, BEA).get("/staff/").status_code == 200  # a new login starts anew


@pytest.mark.skipif(DATABASE != "postgresql", reason="production mode needs PostgreSQL")
def test_in_production_the_host_cookie_replayed_after_logout_gets_the_login_page(
    app, database_url, smtp_server, tmp_path
):
    production = create_app(
        {**app_config(tmp_path, database_url, MAIL_PORT=smtp_server.port), "ENV": "production"}
    )
    try:
        make_staff(production, email=BEA)
        bea = production.test_client()
        bea.environ_base["wsgi.url_scheme"] = "https"  # behind the TLS proxy
        login(bea, BEA)
        cookie = bea.get_cookie(HOST_COOKIE)
        assert cookie is not None and cookie.secure and cookie.path == "/"
        assert bea.get("/staff/").status_code == 200
        _logout(bea)
        thief = production.test_client()
        thief.environ_base["wsgi.url_scheme"] = "https"
        thief.set_cookie(HOST_COOKIE, cookie.value, secure=True)
        _gets_the_login_page(thief, "/staff/")
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
