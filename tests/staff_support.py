"""Helpers for the staff tests of offerings, dates and registrations."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import sqlalchemy as sa
from flask import Flask

from outbox_support import deliver_at
from startsmart import clock
from startsmart.catalog.models import EventDate, Offering
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from startsmart.registrations.models import Registration
from startsmart.staff.models import Role
from support import login, make_staff

TEAM = "team@kts.example"


def as_event_team(app: Flask, client) -> int:
    """Log ``client`` in as a member of the event team; returns the staff id."""
    staff_id = make_staff(app, email=TEAM, role=Role.EVENT_TEAM, name="Eva Event")
    login(client, TEAM)
    return staff_id


def register_person(
    app: Flask,
    date_id: int,
    number: int,
    *,
    by_staff: bool = True,
    now: datetime | None = None,
    name: str | None = None,
    municipality: str | None = None,
    question: str | None = None,
    model_project: bool = False,
) -> int:
    """Person ``number`` registers for the date (by staff: confirmed at once, if a seat is free).
    Returns the registration id. The mails stay in the outbox until ``deliver``."""
    with app.app_context():
        outcome = service.register(
            date_id,
            service.Applicant(
                name=name or f"Person {number}",
                email=f"person{number}@kommune.de",
                function="Digitalisierung",
                municipality=MunicipalityInput(
                    municipality or f"Gemeinde {number}", FederalState.HE, MunicipalityKind.TOWN
                ),
                question=question,
            ),
            now or clock.now(),
            by_staff=by_staff,
        )
        if model_project:
            registration = db.session.get(Registration, outcome.registration_id)
            registration.municipality.is_model_project = True
            db.session.commit()
        return outcome.registration_id


def deliver(app: Flask) -> None:
    """Deliver everything in the outbox, retries included (as the worker would a day later)."""
    with app.app_context():
        deliver_at(clock.now() + timedelta(days=1))


def calendars(message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(part.get_content())
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def the_date(app: Flask, date_id: int) -> EventDate:
    with app.app_context():
        event_date = db.session.get(EventDate, date_id)
        event_date.offering  # noqa: B018  (load it while the session is open)
        return event_date


def offering_by_title(app: Flask, title: str) -> Offering | None:
    with app.app_context():
        offering = db.session.execute(
            sa.select(Offering).where(Offering.title == title)
        ).scalar_one_or_none()
        if offering is not None:
            offering.topics  # noqa: B018
        return offering


def municipality(app: Flask, name: str) -> Municipality | None:
    with app.app_context():
        return db.session.execute(
            sa.select(Municipality).where(Municipality.name == name)
        ).scalar_one_or_none()


def make_offering(app: Flask, fmt: str = "online_intro", **fields) -> int:
    """An offering without dates; returns its id."""
    from startsmart.catalog.models import OfferingFormat

    with app.app_context():
        fields.setdefault("slug", f"angebot-{clock.now().timestamp():.6f}".replace(".", "-"))
        offering = Offering(
            format=OfferingFormat(fmt),
            title=fields.pop("title", "Grundlagen der Smart City"),
            summary="Ein Überblick.",
            description="Beschreibung.",
            default_capacity=fields.pop("default_capacity", 20),
            default_duration_minutes=fields.pop("default_duration_minutes", 90),
            **fields,
        )
        db.session.add(offering)
        db.session.commit()
        return offering.id
