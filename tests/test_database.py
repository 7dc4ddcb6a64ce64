"""Times go into the database timezone-aware and come out in UTC, on either database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from startsmart.conferences.models import Conference
from startsmart.extensions import db


def test_aware_times_round_trip_as_utc(app):
    berlin = datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo("Europe/Berlin"), fold=1)  # 2nd 02:30
    with app.app_context():
        db.session.add(
            Conference(
                title="T",
                slug="t",
                city="Flensburg",
                venue="Deutsches Haus",
                starts_at=berlin,
                ends_at=berlin + timedelta(hours=6),
            )
        )
        db.session.commit()
        db.session.expire_all()
        loaded = db.session.execute(sa.select(Conference)).scalar_one()
        assert loaded.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
        assert loaded.starts_at.tzinfo is UTC
        assert loaded.created_at.tzinfo is UTC


def test_naive_times_are_refused(app):
    with app.app_context():
        db.session.add(
            Conference(
                title="T",
                slug="t",
                city="C",
                venue="V",
                starts_at=datetime(2026, 1, 1, 9),
                ends_at=datetime(2026, 1, 1, 17),
            )
        )
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            db.session.commit()
        db.session.rollback()
