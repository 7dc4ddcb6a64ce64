"""Admins manage staff accounts; everybody changes their own password."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from support import DEFAULT_PASSWORD, login, make_staff, submit, text

NEW_PASSWORD = "ein-ganz-neues-passwort"


def _user(app, email: str) -> StaffUser | None:
    with app.app_context():
        return db.session.execute(
            sa.select(StaffUser).where(StaffUser.email == email)
        ).scalar_one_or_none()


def _as_admin(app, client) -> int:
    admin_id = make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    login(client, "admin@kts.example")
    return admin_id


def test_admin_creates_an_account_that_can_log_in(app, client):
    _as_admin(app, client)
    response = submit(
        client,
        "/staff/konten/neu",
        {
            "name": "Nina Neu",
            "email": "Nina.Neu@KTS.example",
            "role": "event_team",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Nina Neu" in text(client.get("/staff/konten"))
    user = _user(app, "nina.neu@kts.example")
    assert user is not None and user.role is Role.EVENT_TEAM
    other = app.test_client()
    login(other, "nina.neu@kts.example", NEW_PASSWORD)
    assert other.get("/staff/").status_code == 200


def test_duplicate_email_and_short_password_are_explained_and_input_kept(app, client):
    _as_admin(app, client)
    response = submit(
        client,
        "/staff/konten/neu",
        {
            "name": "Zweite Admin",
            "email": "ADMIN@kts.example",
            "role": "admin",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Für diese E-Mail-Adresse gibt es schon ein Konto." in text(response)
    assert 'value="Zweite Admin"' in text(response)
    response = submit(
        client,
        "/staff/konten/neu",
        {
            "name": "Kurz",
            "email": "kurz@kts.example",
            "role": "advisor",
            "password": "kurz",
        },
    )
    assert "mindestens 12 Zeichen" in text(response)
    assert _user(app, "kurz@kts.example") is None


def test_admin_changes_role_and_deactivates_which_ends_that_persons_session(app, client):
    _as_admin(app, client)
    bea_id = make_staff(app, email="bea@kts.example")
    bea = app.test_client()
    login(bea, "bea@kts.example")
    assert bea.get("/staff/").status_code == 200
    # Unticking "aktiv" first asks: nothing changes yet, Bea keeps working.
    asked = submit(client, f"/staff/konten/{bea_id}", {"role": "event_team"})
    assert "wirklich deaktivieren?" in text(asked)
    assert 'value="Ja, Konto deaktivieren"' in text(asked)
    user = _user(app, "bea@kts.example")
    assert user.role is Role.ADVISOR and user.active
    assert bea.get("/staff/").status_code == 200
    confirmed = {"role": "event_team", "confirm_deactivation": "Ja, Konto deaktivieren"}
    submit(client, f"/staff/konten/{bea_id}", confirmed)  # unchecked box: inactive
    user = _user(app, "bea@kts.example")
    assert user.role is Role.EVENT_TEAM and not user.active
    assert bea.get("/staff/").status_code == 302


def test_a_role_change_that_keeps_the_account_active_asks_nothing(app, client):
    _as_admin(app, client)
    bea_id = make_staff(app, email="bea@kts.example")
    response = submit(client, f"/staff/konten/{bea_id}", {"role": "event_team", "active": "y"})
    assert response.status_code == 302
    assert _user(app, "bea@kts.example").role is Role.EVENT_TEAM


def test_the_last_admin_can_neither_be_demoted_nor_deactivate_themselves(app, client):
    admin_id = _as_admin(app, client)
    response = submit(client, f"/staff/konten/{admin_id}", {"role": "advisor", "active": "y"})
    assert "mindestens ein aktives Konto mit der Rolle Administration" in text(response)
    response = submit(client, f"/staff/konten/{admin_id}", {"role": "admin"})
    assert "Sie können Ihr eigenes Konto nicht deaktivieren." in text(response)
    user = _user(app, "admin@kts.example")
    assert user.role is Role.ADMIN and user.active


def test_unknown_account_is_a_404(app, client):
    _as_admin(app, client)
    assert client.get("/staff/konten/999").status_code == 404


def test_changing_the_own_password_ends_other_sessions_but_not_this_one(app, client):
    make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    laptop = app.test_client()
    login(laptop, "bea@kts.example")
    response = submit(
        client,
        "/staff/passwort",
        {
            "current_password": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert laptop.get("/staff/").status_code == 302
    fresh = app.test_client()
    assert "nicht richtig" in text(login(fresh, "bea@kts.example", DEFAULT_PASSWORD))
    login(fresh, "bea@kts.example", NEW_PASSWORD)
    assert fresh.get("/staff/").status_code == 200


def test_wrong_current_password_or_mismatch_changes_nothing(app, client):
    make_staff(app, email="bea@kts.example")
    login(client, "bea@kts.example")
    response = submit(
        client,
        "/staff/passwort",
        {
            "current_password": "falsch-falsch-falsch",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert "Das bisherige Passwort ist nicht richtig." in text(response)
    response = submit(
        client,
        "/staff/passwort",
        {
            "current_password": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": "anders-anders-anders",
        },
    )
    assert "stimmen nicht überein" in text(response)
    fresh = app.test_client()
    login(fresh, "bea@kts.example", DEFAULT_PASSWORD)
    assert fresh.get("/staff/").status_code == 200
