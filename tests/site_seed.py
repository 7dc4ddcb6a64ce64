"""A realistic, filled Start Smart for the page crawl: what a busy month looks like.

The demo data (offerings of all four formats, dates, advisors with hours, municipalities) plus
what people and staff do with it, made through the services so every row is one the app itself
would write: registrations in every state (waiting list included), consultations pending,
confirmed, held and cancelled, a regional conference with a planned speed-dating, a draft, a
cancelled and a past date with attendance, audit entries and outbox rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pyotp
import sqlalchemy as sa
from flask import Flask

from material_support import a_pdf
from speed_dating_support import conference_with_speed_dating
from startsmart import clock, tokens
from startsmart.catalog import staff_service as catalog_staff
from startsmart.catalog import staff_topics
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat, Topic
from startsmart.catalog.slugs import slugify
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences import badge_tokens, badges, choices, materials, programme
from startsmart.conferences import service as conferences
from startsmart.conferences.models import Conference, ConferenceSession, SessionKind
from startsmart.consultations import booking, followup, schedule
from startsmart.consultations import mails as consultation_mails
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.demo.content import STAFF
from startsmart.demo.service import load_demo
from startsmart.extensions import db
from startsmart.feedback import questions as feedback_questions
from startsmart.feedback import sending as feedback_sending
from startsmart.feedback import survey as feedback_survey
from startsmart.feedback.models import FeedbackInvitation
from startsmart.invitations import outbox
from startsmart.invitations.models import AttemptOutcome, OutboxMessage
from startsmart.municipalities import notes
from startsmart.municipalities.models import (
    FederalState,
    ModelProject,
    Municipality,
    MunicipalityKind,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.my_bookings import service as my_bookings
from startsmart.registrations import date_changes, staff_service
from startsmart.registrations import mails as registration_mails
from startsmart.registrations import service as registrations
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.speed_dating import planning, service
from startsmart.staff import second_factor
from startsmart.staff.models import Role, StaffUser
from startsmart.staff.passwords import hash_password

# The demo staff the crawl logs in as, per role (the first of each role in the demo list).
LOGINS = {role: (email, password) for email, _name, role, password in reversed(STAFF)}


@dataclass
class Site:
    """Ids, slugs and manage-link tokens of the seeded data, for building the crawl's URLs."""

    offering_slugs: dict[str, str] = field(default_factory=dict)  # format value -> slug
    offering_id: int = 0
    full_date: int = 0  # booked out, with a waiting list
    exchange_date: int = 0  # moderated exchange, questions submitted
    past_date: int = 0  # took place, attendance recorded
    cancelled_date: int = 0
    draft_date: int = 0
    registration_tokens: dict[str, str] = field(default_factory=dict)  # status -> token
    # status -> the staff page of one registration, /staff/termine/<date>/anmeldungen/<id>
    registration_pages: dict[str, str] = field(default_factory=dict)
    consultation_tokens: dict[str, str] = field(default_factory=dict)  # status -> token
    my_bookings_token: str = ""  # the "Meine Buchungen" link of the confirmed registration's person
    consultation_ids: dict[str, int] = field(default_factory=dict)  # "upcoming", "held", …
    advisor_id: int = 0
    admin_id: int = 0
    event_team_id: int = 0
    conference_id: int = 0  # with registrations, check-in and a speed-dating plan
    conference_slug: str = ""
    conference_date: int = 0  # its registration (with the speed-dating opt-in)
    bare_conference_id: int = 0  # the demo's conference: no speed-dating set up yet
    programme_session_id: int = 0  # a workshop of the conference's programme (two in parallel)
    # The World Café beside it (2 places, so the slot is a choice): two seated, one waiting;
    # and the manage link of one who chose it.
    choice_session_id: int = 0
    free_session_id: int = 0  # the break: nobody holds it, so its delete page asks
    conference_token: str = ""
    material_id: int = 0  # a PDF published for that workshop (a link for the whole day too)
    topic_id: int = 0  # a topic offerings have (its delete page says so)
    unused_topic_id: int = 0  # a topic no offering has (its delete page asks)
    participant_code: str = ""  # a speed-dating participant's phone code
    badge_check_in: str = ""  # the path a conference badge's QR code opens (with its token)
    replaced_badge_check_in: str = ""  # the same of a badge since reissued (says so, 410)
    badge_registration_id: int = 0  # whose badge ``badge_check_in`` is
    failed_message_id: int = 0  # an outbox row that bounced for good
    invented_municipality_id: int = 0  # only a public form names it (unverified)
    busy_municipality_id: int = 0  # held a consultation; the event team wrote a note on it
    ambiguous_municipality_id: int = 0  # typed "Neuenkirchen": two directory entries fit
    directory_municipality_id: int = 0  # one of them, an entry of the official directory
    model_project_id: int = 0  # the demo's cooperation "5 für Südwestfalen" (five members)
    # The feedback survey: a date whose three participants answered (figures shown), the
    # survey links of the past date's participant ("open") and of the held consultation
    # ("answered"), and one question's id.
    feedback_date: int = 0
    feedback_offering_id: int = 0
    feedback_tokens: dict[str, str] = field(default_factory=dict)
    feedback_question_id: int = 0
    # The seeded content's German texts (titles, summaries, paragraphs, topic names): on an
    # English page each may appear only inside an element marked lang="de" (site_crawl).
    german_texts: list[str] = field(default_factory=list)


def _domain(town: str) -> str:
    return slugify(town) + ".de"


def _applicant(number: int, town: str, state: FederalState, **extra) -> registrations.Applicant:
    first = ["Kim", "Mara", "Jonas", "Aylin", "Tobias", "Ines", "Paul", "Sven", "Greta", "Ole"]
    name = f"{first[number % len(first)]} Beispiel-{number}"
    return registrations.Applicant(
        name=name,
        email=f"person{number}@{_domain(town)}",
        function="Digitalisierungsbeauftragte" if number % 2 else "Amt für Stadtentwicklung",
        municipality=MunicipalityInput(town, state, MunicipalityKind.CITY),
        **extra,
    )


TOWNS = [
    ("Detmold", FederalState.NW),
    ("Iserlohn", FederalState.NW),
    ("Kaiserslautern", FederalState.RP),
    ("Amt Süderbrarup", FederalState.SH),
    ("Köln", FederalState.NW),
    ("Frankfurt (Oder)", FederalState.BB),
    ("Flensburg", FederalState.SH),
    ("Soest", FederalState.NW),
]


def _register(date_id: int, number: int, now: datetime, by_staff: bool = True, **extra) -> int:
    town, state = TOWNS[number % len(TOWNS)]
    outcome = registrations.register(
        date_id, _applicant(number, town, state, **extra), now, by_staff=by_staff
    )
    return outcome.registration_id


def _token(purpose: str, subject_id: int, now: datetime) -> str:
    token = tokens.mint(purpose, subject_id, now, now + timedelta(days=60))
    db.session.commit()
    return token


def _staff(role: Role) -> StaffUser:
    email = LOGINS[role][0]
    return db.session.execute(sa.select(StaffUser).where(StaffUser.email == email)).scalar_one()


def admin_actor() -> StaffUser:
    return _staff(Role.ADMIN)


def seed_accounts(app: Flask) -> None:
    """The empty site: nothing but an admin and the event team (no advisors, no offerings)."""
    with app.app_context():
        for email, name, role, password in STAFF:
            if role is not Role.ADVISOR:
                db.session.add(
                    StaffUser(
                        email=email, name=name, role=role, password_hash=hash_password(password)
                    )
                )
        db.session.commit()


def seed(app: Flask) -> Site:
    """Fill the (empty) database; returns what the crawl needs to address it."""
    site = Site()
    now = clock.now()
    with app.app_context():
        load_demo(now, with_history=False)  # the crawl's own scenario follows
        admin, team = _staff(Role.ADMIN), _staff(Role.EVENT_TEAM)
        site.admin_id, site.event_team_id = admin.id, team.id
        site.advisor_id = _staff(Role.ADVISOR).id  # the one the crawl logs in as
        offerings = db.session.execute(sa.select(Offering).order_by(Offering.id)).scalars().all()
        for offering in offerings:
            site.offering_slugs.setdefault(offering.format.value, offering.slug)
        site.offering_id = offerings[0].id
        _english_texts(site, offerings, team, now)
        _dates(site, offerings, now)
        _registrations(site, now, team)
        _consultations(site, now)
        _conference(site, now, team)
        _feedback(site, now, team)
        site.failed_message_id = _a_bounced_mail()
        held = db.session.get(Consultation, site.consultation_ids["held"])
        site.busy_municipality_id = held.municipality_id
        notes.add_note(held.municipality_id, "Rückruf der Bürgermeisterin im März.", team, now)
        site.model_project_id = db.session.execute(
            sa.select(ModelProject.id).where(ModelProject.name == "5 für Südwestfalen")
        ).scalar_one()
        _second_factor(now)
        _directory_entries(site)
        site.german_texts = german_texts()
    return site


def _english_texts(site: Site, offerings: list[Offering], team: StaffUser, now: datetime) -> None:
    """Every other offering and topic written in English too, so English pages show both: the
    English texts, and the German ones where there are none (marked as German)."""
    catalogue = [o for o in offerings if o.format is not OfferingFormat.CONFERENCE]
    for offering in catalogue[::2]:
        catalog_staff.update_offering(
            offering.id,
            catalog_staff.OfferingInput(
                title=offering.title,
                summary=offering.summary,
                description=offering.description,
                topic_ids=[t.id for t in offering.topics],
                default_capacity=offering.default_capacity,
                default_duration_minutes=offering.default_duration_minutes,
                per_municipality_limit=offering.per_municipality_limit,
                default_join_url=offering.default_join_url,
                title_en=f"In English: {offering.slug}",
                summary_en="A short summary in English.",
                description_en="A first paragraph in English.\n\nAnd a second one.",
            ),
            team,
            now,
        )
    topics = db.session.execute(sa.select(Topic).order_by(Topic.id)).scalars().all()
    for topic in topics[::2]:
        staff_topics.update_topic(
            topic.id, staff_topics.TopicInput(topic.name, f"Topic {topic.slug}"), team, now
        )
    site.topic_id = topics[0].id
    unused = Topic(name="Offene Verwaltung", name_en="Open government", slug="verwaltung")
    db.session.add(unused)
    db.session.commit()
    site.unused_topic_id = unused.id


def german_texts() -> list[str]:
    """The German content texts that differ from their English: whole lines and paragraphs,
    as pages show them."""
    texts: set[str] = set()
    records = [
        (Offering, ("title", "summary", "description")),
        (Topic, ("name",)),
        (Conference, ("title", "description")),
        (ConferenceSession, ("title", "description")),
        (EventDate, ("note",)),
    ]
    for model, names in records:
        for record in db.session.execute(sa.select(model)).scalars():
            for name in names:
                german, english = getattr(record, name), getattr(record, f"{name}_en")
                if german != english:
                    texts |= {p.strip() for p in german.split("\n\n") if len(p.strip()) > 5}
    return sorted(texts)


def _directory_entries(site: Site) -> None:
    """Two entries of the official directory of one name, in their Kreise, and a typed row of
    that name for staff to assign (the crawl's site has no full directory: it takes seconds)."""
    rows = [
        Municipality(name=name, kind=kind, state=FederalState.NI, ars=ars, population=people)
        for name, kind, ars, people in (
            ("Stade", MunicipalityKind.DISTRICT, "03359", None),
            ("Heidekreis", MunicipalityKind.DISTRICT, "03358", None),
            ("Neuenkirchen", MunicipalityKind.TOWN, "033595406033", 822),
            ("Neuenkirchen", MunicipalityKind.TOWN, "033580017017", 5634),
        )
    ]
    typed = Municipality(name="Neuenkirchen", kind=MunicipalityKind.TOWN, state=FederalState.NI)
    db.session.add_all([*rows, typed])
    db.session.commit()
    site.ambiguous_municipality_id = typed.id
    site.directory_municipality_id = rows[-1].id


# Who signs in with a second factor on the seeded site: an advisor the crawl does not log in as
# (its log-in expects the dashboard right after the password).
SECOND_FACTOR_LOGIN = STAFF[3][0], STAFF[3][3]


def _second_factor(now: datetime) -> None:
    user = db.session.execute(
        sa.select(StaffUser).where(StaffUser.email == SECOND_FACTOR_LOGIN[0])
    ).scalar_one()
    secret = second_factor.pending_secret(user)
    second_factor.confirm_set_up(user, pyotp.TOTP(secret).at(now), now)


def _dates(site: Site, offerings: list[Offering], now: datetime) -> None:
    by_format = {o.format.value: o for o in reversed(offerings)}
    dates = {
        fmt: db.session.execute(
            sa.select(EventDate).where(EventDate.offering_id == o.id).order_by(EventDate.starts_at)
        )
        .scalars()
        .first()
        for fmt, o in by_format.items()
        if fmt != "initial_consultation"
    }
    full = dates["online_intro"]
    full.capacity = 3
    site.full_date = full.id
    site.exchange_date = dates["moderated_exchange"].id
    intro = by_format["online_intro"]
    starts = (now - timedelta(days=3)).replace(microsecond=0)
    past = EventDate(
        offering=intro,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        online_url="https://konferenz.example.org/start-smart/vergangen",
        capacity=30,
        status=EventDateStatus.PUBLISHED,
    )
    later = (now + timedelta(days=75)).replace(microsecond=0)
    cancelled = EventDate(
        offering=by_format["thematic_input"],
        starts_at=later,
        ends_at=later + timedelta(minutes=90),
        venue="KTS, Berlin",
        capacity=40,
        status=EventDateStatus.PUBLISHED,
    )
    draft = EventDate(
        offering=intro,
        starts_at=later + timedelta(days=7),
        ends_at=later + timedelta(days=7, minutes=90),
        online_url="https://konferenz.example.org/start-smart/entwurf",
        capacity=60,
        status=EventDateStatus.DRAFT,
    )
    db.session.add_all([past, cancelled, draft])
    db.session.commit()
    site.past_date, site.cancelled_date, site.draft_date = past.id, cancelled.id, draft.id


def _registrations(site: Site, now: datetime, team: StaffUser) -> None:
    for number in range(3):  # the three seats of the full date, by staff: confirmed
        _register(site.full_date, number, now)
    waiting = _register(site.full_date, 3, now)
    pending = _register(site.exchange_date, 4, now, by_staff=False, question="Wie finanzieren?")
    # Detmold misspelt on the public form: a municipality for staff to review (accept or merge).
    invented = registrations.register(
        site.exchange_date,
        _applicant(11, "Detmlod", FederalState.NW, question="Was kostet ein Datenportal?"),
        now,
    )
    site.invented_municipality_id = db.session.get(
        Registration, invented.registration_id
    ).municipality_id
    confirmed = _register(site.exchange_date, 5, now, question="Wie starten wir ein Reallabor?")
    cancelled = _register(site.exchange_date, 6, now, question="Wer sollte dabei sein?")
    db.session.get(Registration, cancelled).status = RegistrationStatus.CANCELLED
    db.session.get(Registration, cancelled).cancelled_at = now
    db.session.commit()
    held = [_register(site.past_date, n, now - timedelta(days=10)) for n in range(7, 10)]
    staff_service.record_attendance(
        site.past_date,
        {held[0]: Attendance.ATTENDED, held[1]: Attendance.NO_SHOW, held[2]: None},
        team,
        now,
    )
    _register(site.cancelled_date, 2, now)
    date_changes.cancel_date(site.cancelled_date, "Die Referentin ist erkrankt.", team, now)
    purpose = registration_mails.TOKEN_PURPOSE
    for status, registration_id in (
        ("pending", pending),
        ("confirmed", confirmed),
        ("waitlisted", waiting),
        ("cancelled", cancelled),
    ):
        registration = db.session.get(Registration, registration_id)
        assert registration.status.value == status, status
        site.registration_tokens[status] = _token(purpose, registration_id, now)
        if status == "confirmed":
            site.my_bookings_token = _token(my_bookings.TOKEN_PURPOSE, registration.person_id, now)
        site.registration_pages[status] = (
            f"/staff/termine/{registration.event_date_id}/anmeldungen/{registration_id}"
        )


def _consultations(site: Site, now: datetime) -> None:
    horizon = now + timedelta(days=21)
    free = [s for s in schedule.free(now + timedelta(days=3), end=horizon) if s.channels]
    starts = sorted({s.starts_at for s in free})
    request = _booking_request

    pending = booking.book(request(starts[0], 1), now)
    confirmed = booking.book(request(starts[3], 2, channel=Channel.PHONE), now, by_staff=True)
    cancelled = booking.book(request(starts[6], 3), now, by_staff=True)
    booking.cancel_by_staff(
        cancelled.consultation_id, admin_actor(), "Die Beraterin ist erkrankt.", now
    )
    past_start = _past_weekday(now)
    held = booking.book(
        request(past_start, 4), past_start - timedelta(days=5), by_staff=True, override=True
    )
    followup.record(
        held.consultation_id, "Gutes Gespräch.", [site.exchange_date], admin_actor(), now
    )
    purpose = consultation_mails.TOKEN_PURPOSE
    site.consultation_tokens = {
        "pending": _token(purpose, pending.consultation_id, now),
        "confirmed": _token(purpose, confirmed.consultation_id, now),
        "cancelled": _token(purpose, cancelled.consultation_id, now),
    }
    site.consultation_ids = {
        "upcoming": confirmed.consultation_id,
        "held": held.consultation_id,
        "cancelled": cancelled.consultation_id,
    }
    assert db.session.get(Consultation, held.consultation_id).status is ConsultationStatus.CONFIRMED


def _feedback(site: Site, now: datetime, team: StaffUser) -> None:
    """The survey after the past date and the held consultation, and a date with answers."""
    offering = db.session.execute(
        sa.select(Offering).where(Offering.slug == site.offering_slugs["thematic_input"])
    ).scalar_one()
    starts = (now - timedelta(days=2)).replace(microsecond=0)
    answered = EventDate(
        offering=offering,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        venue="KTS, Berlin",
        capacity=20,
        status=EventDateStatus.PUBLISHED,
    )
    db.session.add(answered)
    db.session.commit()
    site.feedback_date, site.feedback_offering_id = answered.id, offering.id
    came = [_register(answered.id, n, now - timedelta(days=9)) for n in range(12, 15)]
    staff_service.record_attendance(
        answered.id, dict.fromkeys(came, Attendance.ATTENDED), team, now
    )
    feedback_sending.send_due(now)
    asked = [q.id for q in feedback_questions.active()]
    site.feedback_question_id = asked[0]
    invitations = {
        (i.registration_id, i.consultation_id): i.id
        for i in db.session.execute(sa.select(FeedbackInvitation)).scalars()
    }
    answers = (
        ((5, 4, 5), "Sehr praxisnah, gern wieder."),
        ((4, 3, 4), ""),
        ((3, 5, 4), "Mehr Zeit für Fragen wäre gut."),
    )
    for registration_id, (values, comment) in zip(came, answers, strict=True):
        feedback_survey.answer(
            invitations[(registration_id, None)],
            dict(zip(asked, values, strict=True)),
            comment,
            now,
        )
    open_one = next(i for (r, c), i in invitations.items() if r and r not in came)
    held = invitations[(None, site.consultation_ids["held"])]
    feedback_survey.answer(held, {asked[0]: 5}, "Hilfreich.", now)
    purpose = feedback_sending.TOKEN_PURPOSE
    site.feedback_tokens = {
        "open": _token(purpose, open_one, now),
        "answered": _token(purpose, held, now),
    }


def _booking_request(starts_at: datetime, number: int, channel: Channel = Channel.VIDEO):
    town, state = TOWNS[number % len(TOWNS)]
    return booking.BookingRequest(
        starts_at=starts_at,
        channel=channel,
        municipality=MunicipalityInput(f"{town}", state, MunicipalityKind.CITY),
        name=f"Berna Beispiel-{number}",
        email=f"beratung{number}@{_domain(town)}",
        function="Bürgermeisteramt",
        phone="+49 30 1234567" if channel is Channel.PHONE else "",
        situation="Der Rat hat eine Digitalstrategie beschlossen; es fehlt ein Team.",
        goals="Wie fangen wir an, und welche Fördermittel gibt es?",
    )


def _past_weekday(now: datetime) -> datetime:
    """10:00 on a Monday to Thursday (the demo advisors' days) at least four days ago."""
    day = berlin_today(now) - timedelta(days=4)
    while day.weekday() >= 4:
        day -= timedelta(days=1)
    return berlin_to_utc(day, time(10))


def _conference(site: Site, now: datetime, team: StaffUser) -> None:
    demo = db.session.execute(sa.select(Conference).order_by(Conference.id)).scalars().first()
    site.bare_conference_id = demo.id
    day = berlin_today(now) + timedelta(days=12)
    conference = conference_with_speed_dating(
        team,
        now,
        day,
        title="Regionalkonferenz West",
        city="Soest",
        venue="Stadthalle Soest, Dasselwall 1",
        description="Fachimpulse am Vormittag\n\n13 Uhr: Speed-Dating",
        title_en="Regional Conference West",
        description_en="Keynotes in the morning\n\n1 pm: speed networking",
        hours=(time(9, 30), time(16, 30)),
        capacity=120,
    )
    site.conference_id, site.conference_slug = conference.id, conference.slug
    date_id = site.conference_date = conferences.conference_date(conference.id).id
    people = [
        _register(date_id, n, now, speed_dating=True, contact_exchange=n % 2 == 0)
        for n in range(20, 27)
    ]
    _register(date_id, 27, now)  # comes for the talks only
    for registration_id in people[:-1]:  # one has not arrived yet
        service.set_presence(
            conference.id, registration_id=registration_id, present=True, actor=team, now=now
        )
    walk_in, _new = service.add_walk_in(
        conference.id, service.WalkIn("Uwe Spontan", "Olpe", FederalState.NW, True), team, now
    )
    site.participant_code = walk_in.code
    planning.make_plan(conference.id, team, now)
    db.session.commit()
    site.programme_session_id, site.free_session_id = _programme(conference.id, day, team, now)
    site.badge_check_in = urlsplit(badges.check_in_url(people[0])).path
    site.badge_registration_id = people[0]
    site.replaced_badge_check_in = urlsplit(badges.check_in_url(people[1])).path
    badge_tokens.reissue(people[1], team, now)
    site.material_id = materials.add_file(
        conference.id,
        site.programme_session_id,
        "Präsentation: Daten in der Kommune",
        "daten-in-der-kommune.pdf",
        a_pdf(),
        team,
        now,
    ).id
    materials.add_link(conference.id, None, "Fotos vom Tag", "https://example.org/fotos", team, now)
    _workshop_choices(site, people, now)


def _workshop_choices(site: Site, people: list[int], now: datetime) -> None:
    """Three choose the World Café (two places: the third waits), one the workshop."""
    slot = choices.offered(site.conference_id)[0]
    workshop, cafe = (s.id for s in slot.sessions)
    site.choice_session_id = cafe
    for registration_id in people[:3]:
        choices.choose(registration_id, [cafe], now)
    choices.choose(people[3], [workshop], now)
    site.conference_token = _token("registration", people[0], now)


def _programme(conference_id: int, day, team: StaffUser, now: datetime) -> tuple[int, int]:
    """A plenary, two workshops side by side (one with an English text, one with places), the
    speed-dating and a break. Returns the first workshop's id and the break's."""
    sessions = [
        programme.SessionInput(
            SessionKind.PLENARY,
            "Begrüßung und Fachimpuls",
            day,
            time(9, 30),
            time(10, 30),
            title_en="Welcome and keynote",
            room="Großer Saal",
            speakers="Dr. Jana Beispiel, Stadt Soest\nKai Muster, Start Smart",
        ),
        programme.SessionInput(
            SessionKind.WORKSHOP,
            "Daten in der Kommune",
            day,
            time(10, 45),
            time(12, 15),
            title_en="Data in the municipality",
            room="Raum 1",
            description="Wie Kommunen mit offenen Daten beginnen.",
            description_en="How municipalities start with open data.",
            capacity=25,
        ),
        programme.SessionInput(
            SessionKind.WORLD_CAFE,
            "Bürgerbeteiligung digital",
            day,
            time(10, 45),
            time(12, 15),
            room="Raum 2",
            description="Erfahrungen austauschen.",
            capacity=2,
            position=1,
        ),
        programme.SessionInput(SessionKind.BREAK, "Mittagspause", day, time(12, 15), time(13)),
        programme.SessionInput(
            SessionKind.SPEED_DATING, "Speed-Dating", day, time(13), time(14), room="Foyer"
        ),
    ]
    added = [programme.add_session(conference_id, s, team, now) for s in sessions]
    return added[1].id, added[3].id


def _a_bounced_mail() -> int:
    """Most mail went out; one bounced for good, as the outbox page must show such a row.
    (The audit log filled itself: the services above record what staff did.)"""
    row = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().first()
    row.sent_at = None
    now = clock.now()
    # its attempts as the worker would have noted them (the message page lists them)
    outbox.record_history(
        row,
        [
            outbox.Try(now - timedelta(hours=3), AttemptOutcome.TEMPORARY, "451 4.7.1 Try later"),
            outbox.Try(
                now - timedelta(hours=2),
                AttemptOutcome.PERMANENT,
                "550 5.1.1 <person0@detmold.de>: Recipient address rejected",
            ),
        ],
        "site-seed:1",
    )
    db.session.commit()
    return row.id
