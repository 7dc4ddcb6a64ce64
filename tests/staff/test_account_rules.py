"""Staff accounts resist takeover: weak passwords and passwords made of the person's name or
address are refused, and so are addresses and names that pass for somebody else's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from startsmart.demo.content import STAFF
from startsmart.extensions import db
from startsmart.staff import lookalikes
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import check_password_rule
from support import DEFAULT_PASSWORD, login, make_staff, submit, text

GOOD = "Kirschbaum-Zugfahrt-am-Meer"
WEAK = "Passwort ist zu leicht zu erraten"


def _as_admin(app, client) -> None:
    make_staff(app, email="admin@kts.example", role=Role.ADMIN, name="Ada Admin")
    login(client, "admin@kts.example")


def _create(client, **fields):
    data = {"name": "Nina Neu", "email": "nina@kts.example", "role": "advisor", "password": GOOD}
    return submit(client, "/staff/konten/neu", {**data, **fields})


def _emails(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(sa.select(StaffUser.email)).scalars())


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "passwort1234",
        "qwertzuiop12",
        "123456789012",
        "Password1234!",
        "StartSmart2026!",  # the service's own name
        "Modellprojekte2026",
    ],
)
def test_an_admin_cannot_create_an_account_with_a_weak_password(app, client, password):
    _as_admin(app, client)
    response = _create(client, role="admin", password=password)
    assert response.status_code == 200
    assert WEAK in text(response)
    assert 'value="Nina Neu"' in text(response) and 'value="nina@kts.example"' in text(response)
    assert "nina@kts.example" not in _emails(app)


@pytest.mark.parametrize(
    ("fields", "part"),
    [
        ({"email": "k.vogel@kts.example", "password": "K.Vogel-Sommerwiese-44"}, "k.vogel"),
        ({"name": "Henrike Marquardt", "password": "marquardt-gartenhaus-77"}, "marquardt"),
        ({"email": "nina@kts.example", "password": "x-nina@kts.example-x"}, None),
    ],
)
def test_the_password_may_not_contain_the_name_or_the_address(app, client, fields, part):
    _as_admin(app, client)
    response = _create(client, **fields)
    assert response.status_code == 200
    page = text(response)
    if part:
        assert "darf weder den Namen noch den Teil der E-Mail-Adresse" in page
        assert f"„{part}“" in page
    else:
        assert "darf nicht die E-Mail-Adresse enthalten" in page
    assert len(_emails(app)) == 1


def test_the_reason_is_given_in_english_too(app, client):
    _as_admin(app, client)
    client.get("/sprache/en", headers={"Referer": "/staff/konten/neu"})
    response = _create(client, password="aaaaaaaaaaaa")
    assert "too easy to guess" in text(response)


def test_a_strong_password_is_accepted(app, client):
    _as_admin(app, client)
    assert _create(client).status_code == 302
    assert "nina@kts.example" in _emails(app)


def test_the_command_line_refuses_a_weak_password_with_the_reason(app, runner):
    args = ["staff", "create", "--email", "chef@kts.example", "--name", "Clara Chefin"]
    result = runner.invoke(args=[*args, "--password", "aaaaaaaaaaaa"])
    assert result.exit_code != 0 and WEAK in result.output
    result = runner.invoke(args=[*args, "--password", "clara-chefin-2026"])
    assert result.exit_code != 0 and "„chefin“" in result.output
    assert _emails(app) == []


def test_a_password_change_refuses_a_password_with_the_name(app, client):
    with_name = "Berater-2026!"
    make_staff(app, email="bea@kts.example", name="Bea Berater")
    login(client, "bea@kts.example")
    response = submit(
        client,
        "/staff/passwort",
        {"current_password": DEFAULT_PASSWORD, "password": with_name, "confirm": with_name},
    )
    assert response.status_code == 200
    assert "„berater“" in text(response)
    client.post("/staff/logout")
    assert login(app.test_client(), "bea@kts.example").status_code == 302  # old one still works


def test_the_demo_accounts_and_the_test_password_pass_the_rules(app):
    with app.test_request_context():
        for email, name, _role, password in STAFF:
            lookalikes.check_name(name)
            lookalikes.check_email(email)
            check_password_rule(password, email, name)
        check_password_rule(DEFAULT_PASSWORD, "berater@kts.example", "Bea Berater")


def test_a_look_alike_of_the_admins_address_is_refused(app, client):
    _as_admin(app, client)
    response = _create(client, name="H. Admin", email="h-admin@kts.exаmple")  # Cyrillic а
    assert response.status_code == 200
    page = text(response)
    assert "Buchstaben, die wie andere aussehen" in page
    assert "xn--" in page  # says what the address really is
    assert 'value="H. Admin"' in page
    assert _create(client, name="H. Admin", email="h-admin@kts.example").status_code == 302
    assert sorted(_emails(app)) == ["admin@kts.example", "h-admin@kts.example"]


def test_a_domain_of_letters_that_all_look_latin_is_refused(app, client):
    _as_admin(app, client)
    response = _create(client, email="nina@кts.example")  # Cyrillic к
    assert "Buchstaben, die wie andere aussehen" in text(response)
    response = _create(client, email="nina@ехарр.de")  # all Cyrillic, reads "exapp"
    assert "Buchstaben, die wie andere aussehen" in text(response)
    assert len(_emails(app)) == 1


@pytest.mark.parametrize(
    "name",
    [
        "Nina \u202eueN",  # right-to-left override
        "Ni\u200bna Neu",  # zero-width space
        "Nina\u2066 Neu",  # left-to-right isolate
        "Nina Neu\u200d",  # zero-width joiner
        "Kаtrin Vogel",  # Cyrillic а among Latin letters
    ],
)
def test_names_with_invisible_or_look_alike_characters_are_refused(app, client, name):
    _as_admin(app, client)
    response = _create(client, name=name)
    assert response.status_code == 200
    assert "Bitte tippen Sie ihn neu" in text(response)
    assert 'value="nina@kts.example"' in text(response)
    assert len(_emails(app)) == 1


def test_names_and_addresses_in_other_scripts_are_still_welcome(app, client):
    _as_admin(app, client)
    assert _create(client, name="Miriam Yılmaz", email="m.yilmaz@kts.example").status_code == 302
    assert _create(client, name="Jürgen Weiß", email="j.weiss@lübeck.de").status_code == 302
    assert _create(client, name="Ірина Коваль", email="i.koval@kts.example").status_code == 302


def test_the_accounts_list_shows_the_punycode_of_an_idn_domain(app, client):
    _as_admin(app, client)
    _create(client, name="Kim Kern", email="kim@lübeck.de")
    page = text(client.get("/staff/konten"))
    assert "kim@lübeck.de" in page
    assert "kim@xn--lbeck-kva.de" in page
