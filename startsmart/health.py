"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work), as JSON.

Load balancers and the deployment check call these; they carry no personal data and need no
login, CSRF token or session.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify
from flask_migrate import Migrate

from startsmart import clock
from startsmart.extensions import csrf, db
from startsmart.invitations.models import OutboxMessage, OutboxStatus

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _migration_heads() -> set[str]:
    migrate: Migrate = current_app.extensions["migrate"].migrate
    # Flask-Migrate's Config is an Alembic Config; types-Flask-Migrate cannot say so yet.
    config = cast(Config, migrate.get_config())
    return set(ScriptDirectory.from_config(config).get_heads())


@bp.get("/readyz")
def readyz():
    """Ready: the database answers, its schema is the code's, and mail is not piling up."""
    checks: dict[str, object] = {}
    ready = True
    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
        checks["database"] = "ok"
        expected = _migration_heads()
        checks["migrations"] = (
            "ok" if current == expected else {"database": sorted(current), "code": sorted(expected)}
        )
        ready &= current == expected
        backlog = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING)),
                OutboxMessage.next_attempt_at
                < clock.now()
                - timedelta(seconds=current_app.config["READY_OUTBOX_MAX_AGE_SECONDS"]),
            )
        ).scalar_one()
        limit = current_app.config["READY_OUTBOX_MAX_BACKLOG"]
        checks["outbox_overdue"] = backlog
        ready &= backlog <= limit
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        checks["database"] = f"unreachable: {type(error).__name__}"
        ready = False
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


def register(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
