"""A conference for the badge and sign tests: three confirmed people (one with a name of 200
characters), a programme in two rooms and a break without a room."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import Flask

from conference_support import make_conference
from startsmart import clock
from startsmart.clock import berlin_today
from startsmart.conferences import programme
from startsmart.conferences import service as conferences
from startsmart.conferences.models import Conference, SessionKind
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.staff.models import StaffUser

LONG_NAME = ("Maximiliane " + "Müller-Lüdenscheidt-" * 10)[:199] + "ß"  # 200 characters


def _register(date_id: int, name: str, email: str, town: str, **extra) -> int:
    applicant = registrations.Applicant(
        name=name,
        email=email,
        function="",
        municipality=MunicipalityInput(town, FederalState.SH, MunicipalityKind.CITY),
        **extra,
    )
    return registrations.register(date_id, applicant, clock.now(), by_staff=True).registration_id


def world(app: Flask, extra_people: int = 0) -> tuple[Conference, dict[str, int], date]:
    """The conference, ten days ahead from 9 to 17 h, its people's registration ids by first
    name (and ``extra_people`` more, "Person 1" …), and its day."""
    day = berlin_today(clock.now()) + timedelta(days=10)
    conference = make_conference(
        app, day, title="Regionalkonferenz Nord", city="Schleswig", venue="Ständehaus"
    )
    with app.app_context():
        date_id = conferences.conference_date(conference.id).id
        ids = {
            "jürgen": _register(date_id, "Jürgen Groß", "j@flensburg.de", "Flensburg"),
            "long": _register(date_id, LONG_NAME, "l@kiel.de", "Schleswig-Holstein-Süd"),
            "ada": _register(date_id, "Ada Öztürk", "a@husum.de", "Husum"),
        }
        for n in range(1, extra_people + 1):
            ids[f"person {n}"] = _register(date_id, f"Person {n}", f"p{n}@ort{n}.de", f"Ort {n}")
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        for item in (
            programme.SessionInput(
                SessionKind.PLENARY,
                "Begrüßung",
                day,
                time(9),
                time(10),
                title_en="Welcome",
                room="Großer Saal",
                speakers="Dr. Jana Beispiel, Stadt Ulm",
            ),
            programme.SessionInput(
                SessionKind.WORKSHOP, "Offene Daten", day, time(10), time(11), room="Raum 2"
            ),
            programme.SessionInput(
                SessionKind.WORKSHOP, "Smarte Straßen", day, time(11), time(12), room="Raum 2"
            ),
            programme.SessionInput(SessionKind.BREAK, "Mittagspause", day, time(12), time(13)),
        ):
            programme.add_session(conference.id, item, actor, clock.now())
    return conference, ids, day
