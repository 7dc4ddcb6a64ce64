"""Staff sign in with a second factor (TOTP): admins must, others may. The password alone never
makes a session; codes are checked on the app's clock, once each; recovery codes work once; an
admin resets another account's factor; everything is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Config

from second_factor_support import (
    audit_actions,
    code_now,
    not_a_code,
    recovery_codes_on_page,
    secret_on_page,
    set_up_factor,
)
from startsmart.config import ConfigurationError, load
from startsmart.extensions import db
from startsmart.staff import service
from startsmart.staff.models import Role, StaffUser
from support import DEFAULT_PASSWORD, csrf_token, login, make_staff, submit, text

ADMIN = "admin@kts.example"
CODE_PAGE = "/staff/anmeldung/code"
SET_UP_PAGE = "/staff/zweiter-faktor"


@pytest.fixture
def required(app, monkeypatch):
    """The production setting: admins must have a second factor."""
    monkeypatch.setitem(app.config, "STAFF_SECOND_FACTOR_ROLES", ["admin"])


def _signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


def test_admin_without_a_factor_must_set_one_up_before_anything_else(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    response = login(client, ADMIN)
    assert response.headers["Location"] == SET_UP_PAGE
    assert not _signed_in(client)  # the right password alone is no session
    assert client.get("/staff/konten").headers["Location"].startswith("/staff/login")

    page = text(client.get(SET_UP_PAGE))
    assert "<svg" in page and 'class="qr"' in page  # the QR code, drawn on the server
    secret = secret_on_page(page)
    assert secret_on_page(text(client.get(SET_UP_PAGE))) == secret  # a reload keeps the key

    wrong = submit(client, SET_UP_PAGE, {"code": not_a_code(secret)})
    assert wrong.status_code == 200
    assert "Der Code passt nicht." in text(wrong)
    assert not _signed_in(client)

    done = submit(client, SET_UP_PAGE, {"code": code_now(secret)})
    assert done.headers["Location"] == "/staff/zweiter-faktor/wiederherstellungscodes"
    codes = recovery_codes_on_page(text(client.get(done.headers["Location"])))
    assert len(codes) == 10 and len(set(codes)) == 10
    again = text(client.get("/staff/zweiter-faktor/wiederherstellungscodes"))
    assert recovery_codes_on_page(again) == [] and "schon angezeigt" in again  # shown once
    assert client.get("/staff/konten").status_code == 200
    assert "staff.second_factor_set_up" in audit_actions(app, admin_id)


def test_login_asks_for_the_code_and_refuses_wrong_and_replayed_ones(app, client, required, travel):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)

    assert login(client, ADMIN).headers["Location"] == CODE_PAGE
    assert not _signed_in(client)
    wrong = submit(client, CODE_PAGE, {"code": not_a_code(secret)})
    assert "Der Code ist nicht richtig oder wurde schon verwendet." in text(wrong)
    arabic = submit(client, CODE_PAGE, {"code": "١٢٣٤٥٦"})  # digits, but not the app's
    assert arabic.status_code == 200 and "nicht richtig" in text(arabic)
    assert not _signed_in(client)

    code = code_now(secret)
    assert submit(client, CODE_PAGE, {"code": code}).headers["Location"] == "/staff/"
    assert _signed_in(client)

    thief = app.test_client()  # knows the password and saw the code being typed
    login(thief, ADMIN)
    replayed = submit(thief, CODE_PAGE, {"code": code})
    assert "wurde schon verwendet" in text(replayed)
    assert not _signed_in(thief)

    travel.shift(timedelta(seconds=30))  # the app shows the next code
    later = app.test_client()
    login(later, ADMIN)
    submit(later, CODE_PAGE, {"code": code_now(secret)})
    assert _signed_in(later)
    assert audit_actions(app, admin_id).count("staff.second_factor_failed") == 3


def test_a_code_from_the_step_before_or_after_is_accepted_not_two_steps_off(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    login(client, ADMIN)
    too_old = code_now(secret, -timedelta(seconds=90))
    if too_old not in {code_now(secret, timedelta(seconds=s)) for s in (-30, 0, 30)}:
        submit(client, CODE_PAGE, {"code": too_old})
        assert not _signed_in(client)
    submit(client, CODE_PAGE, {"code": code_now(secret, timedelta(seconds=30))})
    assert _signed_in(client)


def test_a_recovery_code_works_once(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    _secret, codes = set_up_factor(app, admin_id)
    login(client, ADMIN)
    submit(client, CODE_PAGE, {"code": codes[3].upper()})  # as read off the printout
    assert _signed_in(client)

    other = app.test_client()
    login(other, ADMIN)
    submit(other, CODE_PAGE, {"code": codes[3]})
    assert not _signed_in(other)
    assert "staff.recovery_code_used" in audit_actions(app, admin_id)
    page = text(client.get(SET_UP_PAGE))
    assert "Sie haben noch 9 Wiederherstellungscodes." in page


def test_the_code_step_expires_with_the_password_step(app, client, required, travel):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    login(client, ADMIN)
    travel.shift(timedelta(minutes=6))
    token = csrf_token(client, "/staff/login")
    response = client.post(CODE_PAGE, data={"csrf_token": token, "code": code_now(secret)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/login"
    assert not _signed_in(client)


def test_admin_resets_another_accounts_factor_which_ends_its_sessions(app, client, required):
    make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    bea_id = make_staff(app, email="bea@kts.example", role=Role.ADMIN, name="Bea Admin")
    bea_secret, _codes = set_up_factor(app, bea_id)
    bea = app.test_client()
    login(bea, "bea@kts.example")
    submit(bea, CODE_PAGE, {"code": code_now(bea_secret)})
    assert _signed_in(bea)

    login(client, ADMIN)  # Ada sets hers up on the way in
    ada_secret = secret_on_page(text(client.get(SET_UP_PAGE)))
    submit(client, SET_UP_PAGE, {"code": code_now(ada_secret)})
    assert _signed_in(client)
    reset = submit(
        client,
        f"/staff/konten/{bea_id}",
        {},
        action=f"/staff/konten/{bea_id}/zweiter-faktor/zuruecksetzen",
    )
    assert reset.status_code == 302
    assert "wurde zurückgesetzt" in text(client.get(reset.headers["Location"]))
    assert not _signed_in(bea)  # her open session ended
    assert login(bea, "bea@kts.example").headers["Location"] == SET_UP_PAGE
    assert "staff.second_factor_reset" in audit_actions(app, bea_id)


def test_nobody_resets_their_own_factor_and_only_admins_reset(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _ = set_up_factor(app, admin_id)
    login(client, ADMIN)
    submit(client, CODE_PAGE, {"code": code_now(secret)})
    page = text(client.get(f"/staff/konten/{admin_id}"))
    assert "Zweiten Faktor zurücksetzen" not in page
    own = submit(
        client,
        "/staff/konten",
        {},
        action=f"/staff/konten/{admin_id}/zweiter-faktor/zuruecksetzen",
        follow_redirects=True,
    )
    assert "eine andere Person aus der Administration" in text(own)
    assert "staff.second_factor_reset" not in audit_actions(app, admin_id)

    make_staff(app, email="bea@kts.example")
    advisor = app.test_client()
    login(advisor, "bea@kts.example")
    forbidden = submit(
        advisor,
        "/staff/passwort",
        {},
        action=f"/staff/konten/{admin_id}/zweiter-faktor/zuruecksetzen",
    )
    assert forbidden.status_code == 403


def test_other_roles_may_set_up_a_factor_and_are_then_asked_for_it(app, client, required):
    make_staff(app, email="bea@kts.example")  # an advisor: not required
    login(client, "bea@kts.example")
    assert _signed_in(client)
    secret = secret_on_page(text(client.get(SET_UP_PAGE)))
    submit(client, SET_UP_PAGE, {"code": code_now(secret)})
    client.post("/staff/logout", data={"csrf_token": _token(client)})

    fresh = app.test_client()
    assert login(fresh, "bea@kts.example").headers["Location"] == CODE_PAGE
    assert not _signed_in(fresh)


def _token(client) -> str:
    return csrf_token(client, "/staff/passwort")


def test_an_admin_signed_in_before_the_setting_was_on_is_sent_to_set_up(app, client, monkeypatch):
    make_staff(app, email=ADMIN, role=Role.ADMIN)
    login(client, ADMIN)
    assert _signed_in(client)
    monkeypatch.setitem(app.config, "STAFF_SECOND_FACTOR_ROLES", ["admin"])
    response = client.get("/staff/konten")
    assert response.status_code == 302 and response.headers["Location"] == SET_UP_PAGE


def test_production_requires_a_second_factor_for_admins(tmp_path):
    production = {
        "ENV": "production",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "postgresql://startsmart@db.example/startsmart",
        "PUBLIC_URL": "https://startsmart.example",
        "MAIL_DEFAULT_SENDER": "Start Smart <startsmart@example.org>",
    }
    config = Config(tmp_path)
    load(config, tmp_path, production)
    assert config["STAFF_SECOND_FACTOR_ROLES"] == ["admin"]
    with pytest.raises(ConfigurationError, match="STAFF_SECOND_FACTOR_ROLES"):
        load(Config(tmp_path), tmp_path, {**production, "STAFF_SECOND_FACTOR_ROLES": []})


def test_the_command_line_resets_the_only_admins_factor(app, runner, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    set_up_factor(app, admin_id)
    result = runner.invoke(args=["staff", "reset-second-factor", "--email", "ADMIN@kts.example"])
    assert result.exit_code == 0, result.output
    assert login(client, ADMIN).headers["Location"] == SET_UP_PAGE
    assert "staff.second_factor_reset" in audit_actions(app, admin_id)
    unknown = runner.invoke(args=["staff", "reset-second-factor", "--email", "x@kts.example"])
    assert unknown.exit_code != 0


def test_a_deactivation_between_password_and_code_ends_the_sign_in(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    make_staff(app, email="bea@kts.example", role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    login(client, ADMIN)
    with app.app_context():
        db.session.get_one(StaffUser, admin_id).active = False
        db.session.commit()
    token = csrf_token(client, "/staff/login")
    response = client.post(CODE_PAGE, data={"csrf_token": token, "code": code_now(secret)})
    assert response.headers["Location"] == "/staff/login"
    assert not _signed_in(client)


def test_the_code_step_opens_a_session_that_logout_ends_for_every_copy_of_the_cookie(
    app, client, required
):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    login(client, ADMIN)
    assert "staff.login" not in audit_actions(app, admin_id)  # not yet: only the password
    submit(client, CODE_PAGE, {"code": code_now(secret)})
    assert _signed_in(client) and "staff.login" in audit_actions(app, admin_id)
    copied = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert copied is not None
    logout = client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert logout.status_code == 302
    replay = app.test_client()
    replay.set_cookie(copied.key, copied.value)
    assert replay.get("/staff/").headers["Location"].startswith("/staff/login")


def test_a_password_change_ends_a_pending_code_step(app, client, required):
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    login(client, ADMIN)  # somebody who knows the password waits at the code step
    with app.app_context():
        user = db.session.get(StaffUser, admin_id)
        service.change_password(user, DEFAULT_PASSWORD, "Neues-Passwort-für-Ada-2027")
    response = client.get(CODE_PAGE)  # the step is over: back to the password
    assert response.headers["Location"].startswith("/staff/login")
    assert not _signed_in(client)


def test_wrong_codes_from_many_addresses_lock_the_code_step_of_that_account(
    app, required, travel, smtp
):
    """Whoever knows the password must not guess codes without end by changing the client
    address and entering the password again: wrong codes are counted per account, apart from
    the password's streak, which the right password ends."""
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN)
    secret, _codes = set_up_factor(app, admin_id)
    failures = app.config["LOGIN_ACCOUNT_FAILURES"]
    for number in range(failures):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"203.0.113.{number}"
        assert login(guesser, ADMIN).headers["Location"] == CODE_PAGE
        assert submit(guesser, CODE_PAGE, {"code": not_a_code(secret)}).status_code == 200
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    assert login(guesser, ADMIN).headers["Location"] == CODE_PAGE  # the password is right
    refused = submit(guesser, CODE_PAGE, {"code": code_now(secret)})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in text(refused)
    assert not _signed_in(guesser)
    assert len(smtp.to(ADMIN)) == 1  # the holder is told, once

    travel.shift(timedelta(seconds=app.config["LOGIN_ACCOUNT_BACKOFF_SECONDS"] + 31))
    owner = app.test_client()
    assert login(owner, ADMIN).headers["Location"] == CODE_PAGE
    assert submit(owner, CODE_PAGE, {"code": code_now(secret)}).status_code == 302
    assert _signed_in(owner)
