"""``next=`` after the login (and after switching the language) stays on this site, however
the other site is spelled."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from startsmart.staff.models import Role
from support import DEFAULT_PASSWORD, csrf_token, make_staff

ADMIN = "admin@kts.example"

ELSEWHERE = [
    "//evil.example",
    "//evil.example/staff/",
    "https://evil.example",
    "http://evil.example/staff/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "/\tjavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "///evil.example",
    "/ /evil.example",
    "https:evil.example",
    " //evil.example",
    "\r\n//evil.example",
]


def _stays_here(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.scheme in ("", "http")
        and parts.netloc in ("", "localhost")
        and (parts.path.startswith("/") and not parts.path.startswith(("//", "/\\")))
    )


@pytest.fixture
def account(app):
    make_staff(app, email=ADMIN, role=Role.ADMIN)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_login_never_sends_anyone_elsewhere(app, client, account, target):
    page = "/staff/login?" + f"next={target}"
    token = csrf_token(client, "/staff/login")
    response = client.post(
        page, data={"csrf_token": token, "email": ADMIN, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert _stays_here(response.headers["Location"]), response.headers["Location"]
    assert client.get("/staff/").status_code == 200  # and the login itself worked


@pytest.mark.parametrize("target", ELSEWHERE)
def test_language_switch_never_sends_anyone_elsewhere(client, target):
    response = client.get(f"/sprache/en?next={target}")
    assert response.status_code == 302
    assert _stays_here(response.headers["Location"]), response.headers["Location"]


def test_a_path_on_this_site_is_kept(app, client, account):
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login?next=/staff/termine",
        data={"csrf_token": token, "email": ADMIN, "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/staff/termine"
