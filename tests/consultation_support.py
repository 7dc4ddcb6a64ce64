"""Advisors with consultation hours, and the data a municipality types into the booking form."""

from __future__ import annotations

from datetime import datetime, time

from flask import Flask

from startsmart.consultations.models import WeeklyHours
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.staff.models import Role, StaffUser
from support import make_staff

WORKING_WEEK = [(day, "09:00", "12:00") for day in range(5)]


def make_advisor(
    app: Flask,
    email: str,
    name: str = "Berta Beraterin",
    hours=WORKING_WEEK,
    channels: str = "video,phone",
    room_url: str | None = None,
) -> int:
    advisor_id = make_staff(app, email=email, role=Role.ADVISOR, name=name)
    with app.app_context():
        db.session.get_one(StaffUser, advisor_id).room_url = room_url
        for weekday, start, end in hours:
            db.session.add(
                WeeklyHours(
                    advisor_id=advisor_id,
                    weekday=weekday,
                    start_time=time.fromisoformat(start),
                    end_time=time.fromisoformat(end),
                    channels=channels,
                )
            )
        db.session.commit()
    return advisor_id


def booking_request(starts_at: datetime, number: int = 1, **changes):
    from startsmart.consultations.booking import BookingRequest
    from startsmart.consultations.models import Channel

    values = dict(
        starts_at=starts_at,
        channel=Channel.VIDEO,
        municipality=MunicipalityInput(
            f"Kleinstadt {number}", FederalState.NW, MunicipalityKind.CITY
        ),
        name=f"Kim {number}",
        email=f"kim{number}@kleinstadt.de",
        function="Bauamt",
        situation="Wir fangen gerade an.",
        goals="Eine Strategie entwickeln.",
    )
    values.update(changes)
    return BookingRequest(**values)


def booking_form(start: datetime, **overrides) -> dict:
    return {
        "starts_at": start.isoformat(),
        "channel": "video",
        "name": "Kim Kommune",
        "email": "kim@kleinstadt.de",
        "function": "Bauamt",
        "municipality": "Kleinstadt",
        "state": "NW",
        "municipality_kind": "city",
        "population_class": "5k_20k",
        "situation": "Wir haben einen Ratsbeschluss, aber noch kein Team.",
        "goals": "Wie fangen wir an?",
        "privacy": "y",
        **overrides,
    }
