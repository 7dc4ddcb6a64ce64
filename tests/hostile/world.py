"""The world the hostile-input battery attacks: one of everything, so every page has something
to show and every address of the app can be built (``World.url_values``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from consultation_support import booking_request, make_advisor
from material_support import a_pdf
from moments import working_day
from speed_dating_support import arrives, conference_with_speed_dating
from startsmart import clock
from startsmart.catalog.models import EventDate, Offering, Topic
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences import choices, materials, programme
from startsmart.conferences import service as conference_service
from startsmart.conferences.models import (
    ConferenceMaterial,
    ConferenceSession,
    SessionChoice,
    SessionKind,
)
from startsmart.consultations import booking, feed
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import AdvisorAbsence, ExtraHours, WeeklyHours
from startsmart.extensions import db
from startsmart.feedback import questions as feedback_questions
from startsmart.feedback import sending as feedback_sending
from startsmart.feedback.models import FeedbackInvitation
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities import notes
from startsmart.municipalities.models import (
    FederalState,
    ModelProject,
    ModelProjectMember,
    Municipality,
    MunicipalityKind,
    Person,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.my_bookings import service as my_bookings
from startsmart.registrations import mails as registration_mails
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Attendance, Consent, Registration
from startsmart.speed_dating import planning
from startsmart.staff.models import Role, StaffUser
from startsmart.tokens import mint
from support import login, make_date, make_staff

ADMIN = "admin@kts.example"
ADVISOR = "berta@kts.example"
SCRIPT_NAME = '<script>alert("x")</script><b>Kim</b>'


@dataclass
class World:
    """Ids and secrets of one of everything; ``url_values`` fills a route's placeholders."""

    offering_slug: str
    date_id: int
    exchange_date_id: int
    offering_id: int
    conference_id: int
    conference_slug: str
    registration_id: int
    registration_token: str
    consultation_id: int
    consultation_token: str
    advisor_id: int
    feed_token: str
    speed_code: str
    staff_user_id: int
    past_date_id: int  # began two hours ago: attendance can be recorded
    weekly_id: int
    absence_id: int
    extra_id: int
    consent_id: int
    message_id: int
    municipality_id: int  # invented by a public form (Flensburg): the review's pages show it
    my_bookings_token: str  # Kim's "Meine Buchungen" link
    note_id: int  # the admin's note on that municipality (its page shows a delete button)
    project_id: int  # a model project with Husum as its member
    feedback_token: str  # Paul's survey link after the past date
    question_id: int  # a question of the feedback survey
    session_id: int  # a workshop of the conference's programme (a choice beside another)
    choice_id: int  # a conference registration's choice of that workshop
    conference_token: str  # that registration's manage link (its workshops page)
    material_id: int  # a PDF published for that workshop
    topic_id: int  # a topic no offering has (its page shows a delete button)

    def url_values(self, rule: Rule) -> dict[str, Any]:
        """Values for every placeholder of ``rule``: ids and tokens of this world."""
        endpoint = rule.endpoint
        common: dict[str, Any] = {
            "date_id": self.date_id,
            "offering_id": self.offering_id,
            "conference_id": self.conference_id,
            "consultation_id": self.consultation_id,
            "advisor_id": self.advisor_id,
            "user_id": self.staff_user_id,
            "message_id": self.message_id,
            "consent_id": self.consent_id,
            "registration_id": self.registration_id,
            "municipality_id": self.municipality_id,
            "note_id": self.note_id,
            "project_id": self.project_id,
            "question_id": self.question_id,
            "session_id": self.session_id,
            "choice_id": self.choice_id,
            "material_id": self.material_id,
            "topic_id": self.topic_id,
            "kind": "anmeldung",
            "code": self.speed_code,
            "action": "start",
        }
        special: dict[str, dict[str, Any]] = {
            "catalog.offering": {"slug": self.offering_slug},
            # The exchange's form asks for a question too: a superset of the others.
            "registrations.register": {"date_id": self.exchange_date_id},
            "registrations.workshops": {"token": self.conference_token},
            "registrations_staff.attendance": {"date_id": self.past_date_id},
            "conferences.detail": {"slug": self.conference_slug},
            "conferences.programme_page": {"slug": self.conference_slug},
            "conferences.documentation": {"slug": self.conference_slug},
            "conferences.material_file": {"slug": self.conference_slug},
            "language.switch": {"code": "en"},
            "pages.media": {"name": "dgs.mp4"},
            "consultations.advisor_feed": {"token": self.feed_token},
            "my_bookings.overview": {"token": self.my_bookings_token},
            "consultations_availability_staff.remove_weekly": {"row_id": self.weekly_id},
            "consultations_availability_staff.remove_absence": {"row_id": self.absence_id},
            "consultations_availability_staff.remove_extra": {"row_id": self.extra_id},
            "reports_staff.listing": {"kind": "anmeldungen"},
            "reports_staff.export": {"name": "laender", "ext": "csv"},
        }
        if endpoint.startswith("consultations."):
            common["token"] = self.consultation_token
        elif endpoint.startswith("feedback."):
            common["token"] = self.feedback_token
        else:
            common["token"] = self.registration_token
        values = {**common, **special.get(endpoint, {})}
        return {name: values[name] for name in rule.arguments}


def build_world(app: Flask) -> World:
    """An admin (logged in by ``as_admin``), an advisor with hours, an offering with dates and
    registrations, a booked consultation, a regional conference with a speed-dating plan."""
    admin_id = make_staff(app, email=ADMIN, role=Role.ADMIN, name="Ada Admin")
    advisor_id = make_advisor(app, ADVISOR, name="Berta Beraterin")
    staff_user_id = make_staff(app, email="eva@kts.example", role=Role.EVENT_TEAM, name="Eva")
    date_id = make_date(app, slug="grundlagen")
    exchange_date_id = make_date(app, fmt="moderated_exchange", slug="austausch")
    past_date_id = make_date(app, slug="vorbei")
    make_date(app, slug="eingestellt")  # its offering is retired below
    now = clock.now()
    expires = now + timedelta(days=60)
    with app.app_context():
        admin = db.session.get(StaffUser, admin_id)
        advisor = db.session.get(StaffUser, advisor_id)
        offering_id = db.session.get(EventDate, date_id).offering_id
        outcome = registrations.register(
            date_id, applicant("Kim Kommune", "kim@flensburg.de", news=True), now
        )
        registration_token = mint(
            registration_mails.TOKEN_PURPOSE, outcome.registration_id, now, expires
        )
        consent_id = db.session.execute(sa.select(Consent.id)).scalars().first()
        kim = db.session.execute(
            sa.select(Person.id).where(Person.email == "kim@flensburg.de")
        ).scalar_one()
        my_bookings_token = mint(my_bookings.TOKEN_PURPOSE, kim, now, expires)
        registrations.register(
            past_date_id, applicant("Paul Vorbei", "paul@husum.de", town="Husum"), now, True
        )
        past = db.session.get(EventDate, past_date_id)
        past.starts_at, past.ends_at = now - timedelta(hours=2), now - timedelta(minutes=30)
        retired = db.session.execute(
            sa.select(Offering).where(Offering.slug == "eingestellt")
        ).scalar_one()
        retired.retired_at = now
        booked = booking.book(booking_request(working_day(7)), now, by_staff=True)
        consultation_token = mint(
            consultation_mails.TOKEN_PURPOSE, booked.consultation_id, now, expires
        )
        feed_token = feed.rotate(advisor, now).rsplit("/", 1)[1].removesuffix(".ics")
        db.session.add(
            AdvisorAbsence(
                advisor_id=advisor_id,
                first_day=berlin_today(now) + timedelta(days=40),
                last_day=berlin_today(now) + timedelta(days=41),
                note="Urlaub",
            )
        )
        db.session.add(
            ExtraHours(
                advisor_id=advisor_id,
                starts_at=working_day(20, 14),
                ends_at=working_day(20, 16),
                channels="video",
                label="Zusatz",
            )
        )
        db.session.commit()
        conference, code = _conference_with_plan(admin, now)
        invented_id = db.session.execute(
            sa.select(Municipality.id).where(Municipality.verified_at.is_(None))
        ).scalar_one()
        note = notes.add_note(invented_id, "Rückruf vereinbart.", admin, now)
        husum = db.session.execute(
            sa.select(Municipality).where(Municipality.name == "Husum")
        ).scalar_one()
        project = ModelProject(name="Husum und Partner", round=2, kind="Interkommunale Kooperation")
        project.memberships.append(ModelProjectMember(municipality=husum))
        husum.is_model_project = True
        db.session.add(project)
        db.session.flush()
        # The directory's entry of the place the public form typed: what the merge page offers.
        db.session.add(
            Municipality(
                name="Flensburg, Stadt",
                kind=MunicipalityKind.INDEPENDENT_CITY,
                state=FederalState.SH,
                ars="010010000000",
                ags="01001000",
            )
        )
        topic = Topic(name="Offene Verwaltung", name_en="Open government", slug="verwaltung")
        db.session.add(topic)
        db.session.commit()
        feedback_token, question_id = _feedback_survey(past_date_id, now, expires)
        world = World(
            offering_slug="grundlagen",
            date_id=date_id,
            exchange_date_id=exchange_date_id,
            offering_id=offering_id,
            conference_id=conference.id,
            conference_slug=conference.slug,
            registration_id=outcome.registration_id,
            registration_token=registration_token,
            consultation_id=booked.consultation_id,
            consultation_token=consultation_token,
            advisor_id=advisor_id,
            feed_token=feed_token,
            speed_code=code,
            staff_user_id=staff_user_id,
            past_date_id=past_date_id,
            weekly_id=_first_id(WeeklyHours),
            absence_id=_first_id(AdvisorAbsence),
            extra_id=_first_id(ExtraHours),
            consent_id=consent_id,
            message_id=_first_id(OutboxMessage),
            municipality_id=invented_id,
            my_bookings_token=my_bookings_token,
            note_id=note.id,
            project_id=project.id,
            feedback_token=feedback_token,
            question_id=question_id,
            session_id=db.session.execute(
                sa.select(ConferenceSession.id).order_by(ConferenceSession.id)
            )
            .scalars()
            .first(),
            choice_id=db.session.execute(sa.select(SessionChoice.id)).scalar_one(),
            conference_token=mint(
                registration_mails.TOKEN_PURPOSE,
                db.session.execute(sa.select(SessionChoice.registration_id)).scalar_one(),
                now,
                expires,
            ),
            material_id=_first_id(ConferenceMaterial),
            topic_id=topic.id,
        )
        db.session.commit()
    return world


def _feedback_survey(past_date_id: int, now, expires) -> tuple[str, int]:
    """Paul attended the past date; the survey went out three hours after its end."""
    paul = db.session.execute(
        sa.select(Registration).where(Registration.event_date_id == past_date_id)
    ).scalar_one()
    paul.attendance = Attendance.ATTENDED
    db.session.commit()
    feedback_sending.send_due(now + timedelta(hours=3))
    invitation_id = db.session.execute(sa.select(FeedbackInvitation.id)).scalar_one()
    token = mint(feedback_sending.TOKEN_PURPOSE, invitation_id, now, expires)
    db.session.commit()
    return token, feedback_questions.active()[0].id


def _first_id(model) -> int:
    return db.session.execute(sa.select(model.id).order_by(model.id)).scalars().first()


def applicant(
    name: str, email: str, town: str = "Flensburg", news: bool = False, **fields
) -> registrations.Applicant:
    return registrations.Applicant(
        name=name,
        email=email,
        function=fields.pop("function", "Digitalisierung"),
        municipality=MunicipalityInput(town, FederalState.SH, MunicipalityKind.TOWN),
        news_consent=news,
        **fields,
    )


def _conference_with_plan(actor: StaffUser, now: datetime):
    day = berlin_today(now) + timedelta(days=10)
    conference = conference_with_speed_dating(actor, now, day)
    codes = []
    for number in range(4):
        person = arrives(
            conference.id,
            applicant(
                f"Person {number}",
                f"person{number}@ort{number}.de",
                town=f"Ort {number}",
                speed_dating=True,
                contact_exchange=True,
            ),
            actor,
            now,
        )
        codes.append(person.code)
    planning.make_plan(conference.id, actor, berlin_to_utc(day, time(12, 0)))
    db.session.commit()
    workshops = [
        programme.add_session(
            conference.id,
            programme.SessionInput(
                SessionKind.WORKSHOP, title, day, time(10), time(11), room=room, capacity=5
            ),
            actor,
            now,
        ).id
        for title, room in (("Offene Daten", "Raum 1"), ("Mobilität", "Raum 2"))
    ]
    first = (
        db.session.execute(
            sa.select(Registration.id)
            .where(
                Registration.event_date_id == conference_service.conference_date(conference.id).id
            )
            .order_by(Registration.id)
        )
        .scalars()
        .first()
    )
    choices.choose(first, [workshops[0]], now)  # Person 0 chose "Offene Daten"
    materials.add_file(conference.id, workshops[0], "Folien", "folien.pdf", a_pdf(), actor, now)
    return conference, codes[0]


def as_admin(client: FlaskClient) -> FlaskClient:
    login(client, ADMIN)
    return client
