"""Small helpers that build data and drive forms the way a person would."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from startsmart.extensions import db
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import hash_password

DEFAULT_PASSWORD = "ein-langes-test-passwort"

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def app_config(instance_path, database_url: str, **overrides) -> dict:
    """The configuration every test app starts from; a test may override single keys."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-production",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAIL_DEFAULT_SENDER": "Start Smart (KTS) <startsmart@kts.example>",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_FILE_DROP": False,
        "MAIL_DELIVERY": "after_commit",
        "MAIL_TIMEOUT": 5,
        "PUBLIC_URL": "https://startsmart.test",
        **overrides,
    }


def make_staff(
    app: Flask,
    email: str = "berater@kts.example",
    role: Role = Role.ADVISOR,
    password: str = DEFAULT_PASSWORD,
    name: str = "Bea Berater",
    active: bool = True,
) -> int:
    """Create a staff account directly in the database and return its id."""
    with app.app_context():
        user = StaffUser(
            email=email, name=name, role=role, password_hash=hash_password(password), active=active
        )
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client: FlaskClient, page: str) -> str:
    """Open ``page`` like a browser and take the CSRF token from its form."""
    html = client.get(page).get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, page: str, data: dict, action: str | None = None, **kwargs
) -> TestResponse:
    """Fill in the form on ``page`` and post it (to ``action``, default the page itself)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data}, **kwargs)


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD) -> TestResponse:
    return submit(client, "/staff/login", {"email": email, "password": password})


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
