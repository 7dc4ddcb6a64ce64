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


def test_calendar_uids_of_existing_rows_stay_what_they_were(empty_app):
    """Migration 0016 stores each row's UID: rows from before keep exactly the UID their
    invitations went out with (kind, id and the host of PUBLIC_URL); new rows get a random
    one, which differs from every other and carries the instance's host name."""
    from startsmart.catalog.models import EventDate
    from startsmart.consultations import mails as consultation_mails
    from startsmart.consultations.models import Consultation
    from startsmart.registrations import mails as registration_mails
    from startsmart.registrations.models import Registration

    upgrade(revision="0014_hold_client")
    moment = "2026-12-01 10:00:00+00:00"
    later = "2026-12-01 11:00:00+00:00"
    with db.engine.begin() as connection:
        for statement in (
            "INSERT INTO offering (id, format, title, slug, summary, description,"
            " default_capacity, default_duration_minutes, created_at)"
            " VALUES (7, 'online_intro', 't', 's', 's', 'd', 1, 60, :at)",
            "INSERT INTO event_date (id, offering_id, starts_at, ends_at, capacity, status,"
            " ical_sequence, venue, created_at, updated_at)"
            " VALUES (31, 7, :at, :later, 5, 'published', 2, 'Rathaus', :at, :at)",
            "INSERT INTO registration (id, event_date_id, status, locale, added_by_staff,"
            " created_at, ical_sequence, invitation_sent, privacy_notice_version,"
            " privacy_acknowledged_at)"
            " VALUES (17, 31, 'confirmed', 'de', false, :at, 1, true, 'v', :at)",
            "INSERT INTO staff_user (id, name, email, password_hash, role, active, locale,"
            " created_at) VALUES (3, 'Bea', 'bea@kts.example', 'x', 'advisor', true, 'de', :at)",
            "INSERT INTO consultation (id, advisor_id, starts_at, ends_at, channel, status,"
            " situation, goals, locale, booked_by_staff, eligibility_overridden, created_at,"
            " ical_sequence, invitation_sent, notes, privacy_notice_version,"
            " privacy_acknowledged_at) VALUES (5, 3, :at, :later, 'video', 'confirmed', '', '',"
            " 'de', false, false, :at, 0, true, '', 'v', :at)",
        ):
            connection.execute(sa.text(statement), {"at": moment, "later": later})
    upgrade()
    assert _pending_differences() == []

    registration = db.session.get(Registration, 17)
    consultation = db.session.get(Consultation, 5)
    old_date = db.session.get(EventDate, 31)
    # What the code before 0016 built: f"registration-{id}@{host of PUBLIC_URL}".
    assert registration_mails.registration_uid(registration) == "registration-17@startsmart.test"
    assert consultation_mails.uid(consultation) == "consultation-5@startsmart.test"
    assert old_date.ical_uid == "event-date-31@startsmart.test"

    new = [
        EventDate(
            offering_id=7,
            starts_at=old_date.starts_at,
            ends_at=old_date.ends_at,
            capacity=5,
            venue="Rathaus",
        )
        for _ in range(3)
    ]
    db.session.add_all(new)
    db.session.commit()
    uids = {date.ical_uid for date in new} | {old_date.ical_uid}
    assert len(uids) == 4
    for date in new:
        assert date.ical_uid.startswith("event-date-")
        assert date.ical_uid.endswith("@startsmart.test")
        assert f"-{date.id}@" not in date.ical_uid
    db.session.remove()
    downgrade(revision="0014_hold_client")
    assert "ical_uid" not in {c["name"] for c in sa.inspect(db.engine).get_columns("event_date")}
