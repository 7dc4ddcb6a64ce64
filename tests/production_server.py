"""The app in production mode under gunicorn, for the tests that need the real server.

``ENV=production`` as docs/deployment.md runs it: gunicorn with sync workers serving
``wsgi:app`` on a scratch PostgreSQL database (migrated with ``flask db upgrade``), rate limits
shared in Redis at 127.0.0.1:6379 under a key prefix of its own, mail to the tests' SMTP sink
through the outbox, an https ``PUBLIC_URL``. gunicorn is started the one way the benchmarks
start it (``benchmarks/live_server.serve``); the client is theirs too (``Browser``: one
connection per request, its own cookies, redirects not followed).

PostgreSQL only: production refuses SQLite. Start it once per module, it takes a few seconds.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from flask import Flask

from databases import postgres_database
from environment import require
from smtp_sink import SmtpSink
from startsmart import create_app
from startsmart.extensions import db

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT / "benchmarks"))
from live_server import CSRF, Browser, Server, migrate, serve  # noqa: E402

__all__ = ["CSRF", "ProductionServer", "production_server"]

REDIS_URL = "redis://127.0.0.1:6379/0"
WORKERS = 2


@dataclass
class ProductionServer:
    server: Server
    database_url: str
    app: Flask  # the same database from the test's process: data in, results out
    smtp: SmtpSink

    def browser(self) -> Browser:
        return Browser(self.server, timeout=30)

    def terminate_backends(self) -> int:
        """End every PostgreSQL connection to the app's database, as a failover or an
        administrator's pg_terminate_backend does; returns how many there were."""
        with psycopg.connect(self.database_url, autocommit=True) as admin:
            return len(
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                ).fetchall()
            )

    def log(self) -> str:
        """gunicorn's error log: where its own 500s and worker deaths are written."""
        return self.server.log.read_text() if self.server.log.exists() else ""


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@contextmanager
def production_server(label: str, **settings: str) -> Iterator[ProductionServer]:
    """A migrated scratch database, gunicorn in production mode on it, the SMTP sink;
    ``settings``: more ``STARTSMART_*`` values (without the prefix)."""
    require(redis_available(), f"Redis is not reachable at {REDIS_URL}")
    instance = Path(tempfile.mkdtemp(prefix="startsmart-production-"))
    prefix = f"startsmart-test-{secrets.token_hex(6)}"
    sink = SmtpSink()
    sink.start()
    try:
        with postgres_database(label) as database_url:
            environment = {
                "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
                "STARTSMART_ENV": "production",
                "STARTSMART_DATABASE_URL": database_url,
                "STARTSMART_SECRET_KEY": secrets.token_urlsafe(48),
                "STARTSMART_INSTANCE_PATH": str(instance),
                "STARTSMART_PUBLIC_URL": "https://startsmart.test",
                "STARTSMART_MAIL_DEFAULT_SENDER": "Start Smart (KTS) <startsmart@kts.example>",
                "STARTSMART_MAIL_SERVER": "127.0.0.1",
                "STARTSMART_MAIL_PORT": str(sink.port),
                "STARTSMART_RATELIMIT_STORAGE_URI": REDIS_URL,
                "STARTSMART_RATELIMIT_KEY_PREFIX": prefix,
                **{f"STARTSMART_{key}": value for key, value in settings.items()},
            }
            migrate(environment)
            app = create_app(
                {
                    "DATABASE_URL": database_url,
                    "INSTANCE_PATH": str(instance / "tests"),
                    "SECRET_KEY": environment["STARTSMART_SECRET_KEY"],
                    "PUBLIC_URL": environment["STARTSMART_PUBLIC_URL"],
                    "MAIL_SUPPRESS_SEND": True,
                }
            )
            try:
                with serve(environment, app="wsgi:app", directory=CHECKOUT, workers=WORKERS) as (
                    server
                ):
                    yield ProductionServer(server, database_url, app, sink)
            finally:
                with app.app_context():
                    db.engine.dispose()
                _forget_rate_limits(prefix)
    finally:
        sink.stop()
        shutil.rmtree(instance, ignore_errors=True)


def _forget_rate_limits(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"*{prefix}*"))  # limits puts its own "LIMITS:" first
    if keys:
        client.delete(*keys)
