"""A regional conference ten days ahead with its speed-dating set up, and helpers that act as
the check-in desk and the event team would (through the services, with ``now`` under control).
Shared by the speed-dating tests and the browser tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from startsmart import clock
from startsmart.catalog.slugs import slugify
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences import service
from startsmart.extensions import db
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.speed_dating import planning, run
from startsmart.speed_dating import service as speed_dating
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import Role, StaffUser
from support import login, make_staff

EVENT_TEAM = "team@kts.example"


@dataclass
class Event:
    """The conference under test; every method runs in its own app context, like a request."""

    app: Flask
    conference_id: int
    date_id: int
    actor_id: int
    day: date

    def at(self, hour: int, minute: int = 0, second: int = 0) -> datetime:
        """A moment on the conference day, Berlin time, as UTC."""
        return berlin_to_utc(self.day, time(hour, minute, second))

    def _actor(self) -> StaffUser:
        return db.session.get(StaffUser, self.actor_id)

    def register(
        self,
        name: str,
        town: str,
        *,
        model_project: bool = False,
        speed: bool = True,
        contact: bool = True,
        function: str = "Digitalisierung",
        locale: str = "de",
    ) -> int:
        """A confirmed registration (entered by staff, so no confirmation mail round trip)."""
        with self.app.app_context():
            known = db.session.execute(
                sa.select(Municipality).where(Municipality.name == town)
            ).scalar_one_or_none()
            if known is None:
                db.session.add(
                    Municipality(
                        name=town,
                        kind=MunicipalityKind.TOWN,
                        state=FederalState.SH,
                        is_model_project=model_project,
                    )
                )
                db.session.commit()
            email = f"{slugify(name).replace('-', '.')}@{slugify(town)}.de"
            outcome = registrations.register(
                self.date_id,
                registrations.Applicant(
                    name=name,
                    email=email,
                    function=function,
                    municipality=MunicipalityInput(town, FederalState.SH),
                    speed_dating=speed,
                    contact_exchange=contact,
                    locale=locale,
                ),
                clock.now(),
                by_staff=True,
            )
            return outcome.registration_id

    def check_in(self, registration_id: int, present: bool = True) -> int:
        with self.app.app_context():
            person = speed_dating.set_presence(
                self.conference_id,
                registration_id=registration_id,
                present=present,
                actor=self._actor(),
                now=clock.now(),
            )
            return person.id

    def presence(self, participant_id: int, present: bool) -> None:
        with self.app.app_context():
            speed_dating.set_presence(
                self.conference_id,
                participant_id=participant_id,
                present=present,
                actor=self._actor(),
                now=clock.now(),
            )

    def walk_in(self, name: str, town: str, model_project: bool = False) -> int:
        with self.app.app_context():
            person, _new = speed_dating.add_walk_in(
                self.conference_id,
                speed_dating.WalkIn(name, town, FederalState.SH, model_project),
                self._actor(),
                clock.now(),
            )
            return person.id

    def settings(self, **changes) -> None:
        """Change the speed-dating's settings (start 13:00, 45 minutes, pairs by default)."""
        values = {"starts": time(13, 0), "questions": tuple(speed_dating.default_questions())}
        with self.app.app_context():
            speed_dating.save_settings(
                self.conference_id,
                speed_dating.Settings(**{**values, **changes}),
                self._actor(),
                clock.now(),
            )

    def plan(self, from_round: int = 1, now: datetime | None = None) -> dict:
        with self.app.app_context():
            planned = planning.make_plan(
                self.conference_id, self._actor(), now or self.at(13, 0), from_round
            )
            return {"version": planned.plan.version, "plan": planned.plan.plan}

    def run(self, action: str, now: datetime):
        with self.app.app_context():
            return run.control(self.conference_id, action, self._actor(), now)[0]

    def participant(self, participant_id: int) -> SpeedDatingParticipant:
        with self.app.app_context():
            person = db.session.get(SpeedDatingParticipant, participant_id)
            db.session.expunge(person)
            return person

    def everyone_here(self, count: int, funded: int = 0) -> list[int]:
        """``count`` registrants from different towns (the first ``funded`` are model
        projects), all checked in; returns their participant ids."""
        ids = []
        for number in range(count):
            registration = self.register(
                f"Person {number:02d}", f"Ort{number:02d}", model_project=number < funded
            )
            ids.append(self.check_in(registration))
        return ids


def conference_with_speed_dating(
    actor: StaffUser,
    now: datetime,
    day: date,
    *,
    title: str = "Regionalkonferenz Nord",
    city: str = "Flensburg",
    venue: str = "Deutsches Haus",
    description: str = "Fachimpulse, Beratung und Speed-Dating.",
    hours: tuple[time, time] = (time(9, 0), time(17, 0)),
    capacity: int = 200,
    title_en: str = "",
    description_en: str = "",
    **settings,
):
    """A regional conference on ``day`` with its speed-dating set up (at 13:00 unless
    ``settings`` say otherwise), created by ``actor``; inside an app context."""
    conference = service.create_conference(
        service.ConferenceInput(
            title=title,
            day=day,
            starts=hours[0],
            ends=hours[1],
            city=city,
            venue=venue,
            description=description,
            capacity=capacity,
            deadline=Deadline(),
            title_en=title_en,
            description_en=description_en,
        ),
        actor,
        now,
    )
    speed_dating.save_settings(
        conference.id,
        speed_dating.Settings(
            **{
                "starts": time(13, 0),
                "questions": tuple(speed_dating.default_questions()),
                **settings,
            }
        ),
        actor,
        now,
    )
    return conference


def arrives(
    conference_id: int, applicant: registrations.Applicant, actor: StaffUser, now: datetime
) -> SpeedDatingParticipant:
    """``applicant`` entered by staff for the conference and checked in for the speed-dating
    (inside an app context); their participant, with the code for the phone view."""
    date_id = service.conference_date(conference_id).id
    outcome = registrations.register(date_id, applicant, now, by_staff=True)
    return speed_dating.set_presence(
        conference_id,
        registration_id=outcome.registration_id,
        present=True,
        actor=actor,
        now=now,
    )


def make_event(app: Flask, **settings) -> Event:
    """The conference "Regionalkonferenz Nord" with its speed-dating at 13:00 (``settings``
    change the defaults: 45 minutes, rounds of 3 with 1 minute to change, pairs) and the event
    team member ``EVENT_TEAM`` ("Eva Team") who runs it."""
    actor_id = make_staff(app, email=EVENT_TEAM, role=Role.EVENT_TEAM, name="Eva Team")
    day = berlin_today(clock.now()) + timedelta(days=10)
    with app.app_context():
        actor = db.session.get(StaffUser, actor_id)
        conference = conference_with_speed_dating(actor, clock.now(), day, **settings)
        date_id = service.conference_date(conference.id).id
        return Event(app, conference.id, date_id, actor_id, day)


def embedded(page: str, element_id: str) -> dict:
    """The JSON a page embeds for its scripts (``<script type="application/json" id=...>``)."""
    pattern = rf'<script type="application/json" id="{element_id}">(.*?)</script>'
    found = re.search(pattern, page, re.S)
    return json.loads(found.group(1))


def partner_of(event: Event, plan: dict, person_id: int, number: int = 1):
    """The table number and the partner of ``person_id`` in round ``number`` of ``plan``."""
    table = next(t for t in plan["rounds"][number - 1]["tables"] if person_id in t["members"])
    return table["number"], event.participant(next(m for m in table["members"] if m != person_id))


# -- fixtures of tests/speed_dating and tests/speed_dating_staff (their conftest imports them) --


@pytest.fixture
def event(app) -> Event:
    return make_event(app)


@pytest.fixture
def team_client(app, client, event):
    """A client logged in as the event team member who owns ``event``."""
    login(client, EVENT_TEAM)
    return client


@pytest.fixture
def base(event) -> str:
    """The speed-dating staff pages of ``event``."""
    return f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating"
