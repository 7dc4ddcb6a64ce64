"""Configuration layers and the production start-up checks."""

from __future__ import annotations

import stat

import pytest

from startsmart import create_app
from startsmart.config import ConfigurationError

GOOD_PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql://startsmart@db.internal/startsmart",
    "MAIL_DEFAULT_SENDER": "Start Smart <startsmart@kts.example>",
    "PUBLIC_URL": "https://startsmart.kts.example",
}


def _production(tmp_path, **changes):
    config = {**GOOD_PRODUCTION, "INSTANCE_PATH": str(tmp_path), **changes}
    return create_app({k: v for k, v in config.items() if v is not None})


def test_production_starts_with_complete_settings(tmp_path):
    app = _production(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["MAIL_DELIVERY"] == "worker" and app.config["MAIL_SUPPRESS_SEND"] is False
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_production_session_cookie_is_a_host_only_cookie(tmp_path):
    """The "__Host-" prefix: browsers take the cookie only with Secure, Path=/ and no Domain,
    so no other host under the domain (nor plain http) can set or overwrite it."""
    app = _production(tmp_path)
    response = app.test_client().get("/staff/login", base_url="https://startsmart.kts.example")
    [cookie] = response.headers.getlist("Set-Cookie")
    name, _, rest = cookie.partition("=")
    assert name == "__Host-startsmart_session"
    attributes = [part.strip() for part in rest.split(";")[1:]]
    assert "Secure" in attributes and "HttpOnly" in attributes and "Path=/" in attributes
    assert not any(part.lower().startswith("domain") for part in attributes), cookie
    development = create_app({"INSTANCE_PATH": str(tmp_path / "dev")})
    assert development.config["SESSION_COOKIE_NAME"] == "startsmart_session"  # plain http


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"SECRET_KEY": None}, "STARTSMART_SECRET_KEY must be set to at least 32"),
        ({"SECRET_KEY": "too-short"}, "STARTSMART_SECRET_KEY must be set to at least 32"),
        ({"DATABASE_URL": None}, "STARTSMART_DATABASE_URL must name the production database"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "STARTSMART_DATABASE_URL must name"),
        ({"MAIL_DEFAULT_SENDER": None}, "STARTSMART_MAIL_DEFAULT_SENDER must be the KTS mailbox"),
        ({"PUBLIC_URL": "http://startsmart.kts.example"}, "STARTSMART_PUBLIC_URL must be the"),
        ({"SESSION_COOKIE_DOMAIN": "kts.example"}, "STARTSMART_SESSION_COOKIE_DOMAIN must not"),
    ],
)
def test_production_refuses_unsafe_settings_with_a_clear_message(tmp_path, change, expected):
    with pytest.raises(ConfigurationError) as error:
        _production(tmp_path, **change)
    assert expected in str(error.value)


def test_production_names_every_problem_at_once(tmp_path):
    with pytest.raises(ConfigurationError) as error:
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    message = str(error.value)
    assert (
        "SECRET_KEY" in message and "DATABASE_URL" in message and "MAIL_DEFAULT_SENDER" in message
    )


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_layers_defaults_then_instance_file_then_environment_then_argument(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'OPERATOR_NAME = "aus instance/config.py"\nOPERATOR_EMAIL = "datei@kts.example"\n'
        'OPERATOR_PHONE = "030 1234"\n'
    )
    monkeypatch.setenv("STARTSMART_OPERATOR_EMAIL", "umgebung@kts.example")
    monkeypatch.setenv("STARTSMART_MAIL_PORT", "2525")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "OPERATOR_PHONE": "030 9999"})
    assert app.config["OPERATOR_NAME"] == "aus instance/config.py"  # file over default
    assert app.config["OPERATOR_EMAIL"] == "umgebung@kts.example"  # environment over file
    assert app.config["OPERATOR_PHONE"] == "030 9999"  # argument over everything
    assert app.config["MAIL_PORT"] == 2525  # typed from the environment
    assert app.config["OPERATOR_ADDRESS"] == "[Anschrift]"  # untouched default


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.instance_path == str(tmp_path.resolve())
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'startsmart.sqlite3'}"


@pytest.mark.parametrize("value", [-1, 241, "15", True])
def test_join_lead_out_of_bounds_refuses_to_start(tmp_path, value):
    with pytest.raises(ConfigurationError) as error:
        create_app({"INSTANCE_PATH": str(tmp_path), "JOIN_OPENS_MINUTES_BEFORE": value})
    assert "JOIN_OPENS_MINUTES_BEFORE must be a number of minutes from 0 to 240" in str(error.value)
