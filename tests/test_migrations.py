"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from databases import postgres_database, sqlite_database
from environment import DATABASE
from startsmart import create_app
from startsmart.extensions import db
from support import app_config


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database of its own that has never seen a migration."""
    label = f"mig_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    manager = (
        postgres_database(label) if DATABASE == "postgresql" else sqlite_database(tmp_path, label)
    )
    with manager as url:
        app = create_app(app_config(tmp_path, url))
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _pending_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_schema_of_the_models(empty_app):
    upgrade()
    assert _pending_differences() == []
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {
        "municipality",
        "person",
        "offering",
        "topic",
        "event_date",
        "conference",
        "staff_user",
        "alembic_version",
    } <= tables


def test_downgrade_to_nothing_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _pending_differences() == []


def test_database_enforces_the_constraints_the_models_declare(empty_app):
    upgrade()
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO offering (format, title, slug, summary, description, "
                "default_capacity, default_duration_minutes, created_at) VALUES "
                "('no_such_format', 't', 's', 's', 'd', 1, 60, CURRENT_TIMESTAMP)"
            )
        )
