"""What operators rely on: health endpoints, request logs without personal data, 503 when
the database is away, the reverse-proxy setting."""

from __future__ import annotations

import json
import logging

import psycopg
import pytest
import sqlalchemy as sa

from environment import DATABASE, POSTGRES_ADMIN_URL
from startsmart import create_app
from startsmart.extensions import db
from support import app_config, text


def test_healthz_answers_without_session_or_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_database_migrations_and_outbox(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["migrations"] == "ok"
    assert response.json["checks"]["outbox_overdue"] == 0


def test_readyz_fails_when_the_database_is_unreachable(tmp_path):
    url = (
        "postgresql://nobody@127.0.0.1:1/none"
        if DATABASE == "postgresql"
        else f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"
    )
    broken = create_app(app_config(tmp_path, url))
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"].startswith("unreachable")


def test_request_log_is_one_json_line_without_tokens_or_addresses(app, client, caplog):
    app.config["REQUEST_LOG"] = True
    try:
        with caplog.at_level(logging.INFO, logger="startsmart.requests"):
            client.get("/anmeldung/geheimes-token-123", headers={"X-Request-ID": "req-abcdef12"})
    finally:
        app.config["REQUEST_LOG"] = False
    [record] = [r for r in caplog.records if r.name == "startsmart.requests"]
    line = json.loads(record.getMessage())
    assert line["route"] == "/anmeldung/<token>" and line["status"] == 410
    assert line["request_id"] == "req-abcdef12" and line["duration_ms"] >= 0
    assert "geheimes-token-123" not in record.getMessage()
    assert "127.0.0.1" not in record.getMessage()


def test_proxy_fix_trusts_the_configured_hops(tmp_path, database_url):
    proxied = create_app(app_config(tmp_path, database_url, PROXY_FIX_HOPS=1))

    @proxied.get("/wer-bin-ich")
    def who():
        from flask import request

        return f"{request.scheme}://{request.host} {request.remote_addr}"

    response = proxied.test_client().get(
        "/wer-bin-ich",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "startsmart.example.org",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    assert text(response) == "https://startsmart.example.org 203.0.113.7"


@pytest.mark.skipif(DATABASE != "postgresql", reason="terminates PostgreSQL backends")
def test_database_connections_killed_give_a_503_then_the_app_recovers(app, client):
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))  # a pooled connection exists
        name = db.engine.url.database
        db.session.remove()
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
    # pool_pre_ping replaces the dead connections: the very next request works.
    assert client.get("/angebote/").status_code == 200


def test_pages_say_503_while_the_database_is_away(tmp_path):
    url = (
        "postgresql://nobody@127.0.0.1:1/none"
        if DATABASE == "postgresql"
        else f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"
    )
    broken = create_app(app_config(tmp_path, url))
    response = broken.test_client().get("/angebote/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert "Vorübergehend nicht erreichbar" in text(response)
