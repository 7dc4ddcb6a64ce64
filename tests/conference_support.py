"""A regional conference made through the staff service, for the tests that need one."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from flask import Flask

from startsmart import clock
from startsmart.catalog.staff_dates import Deadline
from startsmart.conferences import service
from startsmart.conferences.models import Conference
from startsmart.extensions import db
from startsmart.staff.models import StaffUser


def make_conference(
    app: Flask,
    day: date,
    title: str = "Regionalkonferenz Süd",
    city: str = "Ulm",
    venue: str = "Stadthaus Ulm",
    capacity: int = 100,
) -> Conference:
    """A conference on ``day`` from 9 to 17 h Berlin time, created by the first staff member
    (there must be one), detached from the session so a test can read it anywhere."""
    with app.app_context():
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        assert actor is not None, "make_conference needs a staff member"
        conference = service.create_conference(
            service.ConferenceInput(
                title=title,
                day=day,
                starts=time(9),
                ends=time(17),
                city=city,
                venue=venue,
                description="",
                capacity=capacity,
                deadline=Deadline(),
            ),
            actor,
            clock.now(),
        )
        db.session.refresh(conference)
        db.session.expunge(conference)
        return conference
