"""The README documents every setting the app reads."""

from __future__ import annotations

from pathlib import Path

from startsmart.config import Defaults

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
NOT_OPERATOR_FACING = {
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "BABEL_DEFAULT_LOCALE",
    "BABEL_DEFAULT_TIMEZONE",
    "LANGUAGES",
    "RATELIMIT_HEADERS_ENABLED",
}


def test_every_setting_is_in_the_configuration_table():
    settings = {name for name in vars(Defaults) if name.isupper()} - NOT_OPERATOR_FACING
    missing = sorted(name for name in settings if f"`STARTSMART_{name}`" not in README)
    assert missing == []
