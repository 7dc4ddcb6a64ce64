"""What happened before the demo is loaded, played through the services at the moments it
happened: registrations and attendance of past dates, a full date with a waiting list,
consultations in every state, today's conference with its check-in and speed-dating plan, and
the mail all of that queued — delivered, failed, or waiting for its next attempt.

Every step is a service call with its own ``now`` (in the past, in the order things happened),
so the data is what the app itself would have written: seats, holds, waiting list, tokens,
audit entries and the outbox rows. Only what needs an SMTP server is written as history
(``outbox.record_history``): no mail leaves while the demo loads.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from startsmart.catalog.models import EventDate, EventDateStatus, Offering
from startsmart.clock import berlin_to_utc, berlin_today
from startsmart.conferences import service as conferences
from startsmart.consultations import booking, followup
from startsmart.consultations import schedule as consultation_schedule
from startsmart.consultations.models import Channel, Consultation
from startsmart.demo import content
from startsmart.extensions import db
from startsmart.invitations import outbox
from startsmart.invitations.models import AttemptOutcome, OutboxMessage, OutboxStatus
from startsmart.municipalities.models import FederalState, Municipality
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.registrations import staff_service
from startsmart.registrations.models import Attendance
from startsmart.speed_dating import planning
from startsmart.speed_dating import service as speed_dating
from startsmart.staff.models import StaffUser

WORKER = "demo-daten:0"  # the worker named on the demo's delivery attempts
ACCEPTED = "250 2.0.0 Ok: queued (Demodaten, nicht wirklich gesendet)"


def play(now: datetime, admin: StaffUser) -> None:
    """Play the history up to ``now``; each service commits its own step."""
    people = _People()
    _past_dates(now, admin, people)
    _full_date(now, people)
    _consultations(now, admin, people)
    _todays_conference(now, admin, people)
    _mail(now)


class _People:
    """Made-up people, each new one from the next name; addresses in the reserved .example
    domain, so even a misconfigured relay delivers nothing to anybody."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, town: str) -> tuple[str, str]:
        first = content.FIRST_NAMES[self.count % len(content.FIRST_NAMES)]
        last = content.LAST_NAMES[(self.count * 7) % len(content.LAST_NAMES)]
        self.count += 1
        address = f"{_ascii(first)}.{_ascii(last)}{self.count}@{_ascii(town)}.example"
        return f"{first} {last}", address


def _ascii(text: str) -> str:
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        text = text.lower().replace(umlaut, spelled)
    return "".join(c for c in text if c.isascii() and c.isalnum()) or "kommune"


def _town(name: str) -> MunicipalityInput:
    municipality = db.session.execute(
        sa.select(Municipality).where(Municipality.name == name)
    ).scalar_one()
    return MunicipalityInput(municipality.name, municipality.state, municipality.kind)


def _register(
    date_id: int,
    town: str,
    at: datetime,
    people: _People,
    by_staff: bool = True,
    question: str | None = None,
    speed_dating: bool = False,
    contact_exchange: bool = False,
) -> registrations.Outcome:
    name, email = people.next(town)
    applicant = registrations.Applicant(
        name=name,
        email=email,
        function="Digitalisierung",
        municipality=_town(town),
        question=question,
        speed_dating=speed_dating,
        contact_exchange=contact_exchange,
    )
    return registrations.register(date_id, applicant, at, by_staff=by_staff)


def _weekday_back(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _past_dates(now: datetime, admin: StaffUser, people: _People) -> None:
    """Two dates that took place: people registered, came or did not; attendance recorded."""
    today = berlin_today(now)
    for slug, days_ago, hour, towns, no_shows in content.PAST_DATES:
        offering = db.session.execute(sa.select(Offering).where(Offering.slug == slug)).scalar_one()
        starts = berlin_to_utc(_weekday_back(today - timedelta(days=days_ago)), time(hour))
        event_date = EventDate(
            offering=offering,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=offering.default_duration_minutes),
            online_url=f"https://konferenz.example.org/start-smart/{slug}",
            capacity=offering.default_capacity,
            registration_closes_at=starts - timedelta(days=1),
            status=EventDateStatus.PUBLISHED,
            created_at=starts - timedelta(days=40),
        )
        db.session.add(event_date)
        db.session.commit()
        ids = [
            _register(event_date.id, town, starts - timedelta(days=20 - n), people).registration_id
            for n, town in enumerate(towns)
        ]
        marks = {
            registration_id: Attendance.NO_SHOW if n < no_shows else Attendance.ATTENDED
            for n, registration_id in enumerate(ids)
        }
        staff_service.record_attendance(
            event_date.id, marks, admin, event_date.ends_at + timedelta(minutes=20)
        )


def _full_date(now: datetime, people: _People) -> None:
    """A small workshop: every seat taken (some still unconfirmed), three on the waiting list."""
    slug, days, hour, venue, capacity = content.FULL_DATE
    offering = db.session.execute(sa.select(Offering).where(Offering.slug == slug)).scalar_one()
    day = berlin_today(now) + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    starts = berlin_to_utc(day, time(hour))
    event_date = EventDate(
        offering=offering,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=offering.default_duration_minutes),
        venue=venue,
        capacity=capacity,
        registration_closes_at=starts - timedelta(days=2),
        status=EventDateStatus.PUBLISHED,
        created_at=now - timedelta(days=30),
    )
    db.session.add(event_date)
    db.session.commit()
    question = "Wie wählen wir das erste Projekt aus, ohne uns zu verzetteln?"
    towns = content.FULL_DATE_TOWNS
    for n, town in enumerate(towns):
        # The first ones signed up days ago (staff entered them from the phone); the last
        # came through the form within the last hold (REGISTRATION_HOLD_HOURS): unconfirmed
        # seats, then the waiting list.
        by_staff = n < capacity - 2
        at = now - (timedelta(days=6 - n) if by_staff else timedelta(minutes=15 * (len(towns) - n)))
        _register(event_date.id, town, at, people, by_staff=by_staff, question=question)


def _slot(booked_at: datetime, on_or_after: datetime, channel: Channel) -> datetime:
    """The first free slot (for ``channel``) from ``on_or_after``, as seen at ``booked_at``."""
    slots = consultation_schedule.free(
        booked_at, on_or_after, on_or_after + timedelta(days=21), channel.value
    )
    return slots[0].starts_at


def _book(
    town: str,
    booked_at: datetime,
    on_or_after: datetime,
    channel: Channel,
    people: _People,
    by_staff: bool,
    admin: StaffUser,
) -> int:
    name, email = people.next(town)
    request = booking.BookingRequest(
        starts_at=_slot(booked_at, on_or_after, channel),
        channel=channel,
        municipality=_town(town),
        name=name,
        email=email,
        function="Stabsstelle Digitalisierung",
        phone="0421 123456" if channel is Channel.PHONE else "",
        situation="Wir stehen am Anfang und möchten eine Smart-City-Strategie aufsetzen.",
        goals="Welche ersten Schritte passen zu einer Kommune unserer Größe?",
    )
    return booking.book(
        request, booked_at, by_staff=by_staff, actor=admin if by_staff else None
    ).consultation_id


def _consultations(now: datetime, admin: StaffUser, people: _People) -> None:
    """Held (follow-up sent, and one overdue), confirmed ahead, unconfirmed, cancelled,
    expired: each state once. Only municipalities without funding may book."""
    days = timedelta(days=1)
    # held three weeks ago, the follow-up mail went out the day after
    held = _book("Köln", now - 30 * days, now - 23 * days, Channel.VIDEO, people, True, admin)
    done = db.session.get_one(Consultation, held)
    noted = done.ends_at + timedelta(hours=2)
    followup.record(
        held,
        "Gute Ausgangslage; Strategieprozess im Frühjahr.",
        [d.id for d in followup.suggestions(done, noted)[:2]],
        admin,
        noted,
    )
    followup.send(held, admin, done.ends_at + days)
    # held last week, the follow-up is overdue
    _book("Detmold", now - 14 * days, now - 8 * days, Channel.PHONE, people, True, admin)
    # confirmed, ahead
    _book("Frankfurt (Oder)", now - 3 * days, now + 5 * days, Channel.VIDEO, people, True, admin)
    _book("Kaiserslautern", now - 2 * days, now + 12 * days, Channel.PHONE, people, True, admin)
    # booked, then called off by the event team
    cancelled = _book(
        "Iserlohn", now - 6 * days, now + 7 * days, Channel.VIDEO, people, True, admin
    )
    booking.cancel_by_staff(
        cancelled, admin, "Die Kommune hat um einen späteren Termin gebeten.", now - 4 * days
    )
    # booked through the form and never confirmed: expired; then booked again, unconfirmed
    _book("Amt Süderbrarup", now - 5 * days, now + 2 * days, Channel.VIDEO, people, False, admin)
    booking.expire_all(now - 3 * days)
    again = now - timedelta(minutes=5)  # its mail is not tried yet
    _book("Amt Süderbrarup", again, now + 9 * days, Channel.VIDEO, people, False, admin)


def _todays_conference(now: datetime, admin: StaffUser, people: _People) -> None:
    """A conference today (Berlin): registrations with the speed-dating ticked, most of them
    checked in, walk-ins, and a plan for the rounds."""
    data = content.TODAYS_CONFERENCE
    conference = conferences.create_conference(
        conferences.ConferenceInput(
            title=data["title"],
            day=berlin_today(now),
            starts=time(data["hours"][0], data["hours"][1]),
            ends=time(data["hours"][2], data["hours"][3]),
            city=data["city"],
            venue=data["venue"],
            description=data["description"],
            capacity=80,
        ),
        admin,
        now - timedelta(days=45),
    )
    event_date = conferences.conference_date(conference.id)
    assert event_date is not None  # create_conference adds it
    first, second, third = speed_dating.default_questions()
    speed_dating.save_settings(
        conference.id,
        speed_dating.Settings(starts=time(14), questions=(first, second, third)),
        admin,
        now - timedelta(days=30),
    )
    registered = [
        _register(
            event_date.id,
            town,
            now - timedelta(days=28 - n),
            people,
            speed_dating=True,
            contact_exchange=n % 3 != 2,
        ).registration_id
        for n, town in enumerate(content.CONFERENCE_TOWNS)
    ]
    # Checked in from the start on (or just now, on a morning before it began).
    arrived = min(now - timedelta(minutes=30), conference.starts_at + timedelta(minutes=15))
    for n, registration_id in enumerate(registered[:-3]):
        speed_dating.set_presence(
            conference.id,
            registration_id=registration_id,
            present=True,
            actor=admin,
            now=arrived + timedelta(seconds=40 * n),
        )
    for n, (name, town, state, funded) in enumerate(content.WALK_INS):
        speed_dating.add_walk_in(
            conference.id,
            speed_dating.WalkIn(name, town, FederalState(state), funded),
            admin,
            arrived + timedelta(minutes=10 + n),
        )
    planning.make_plan(conference.id, admin, arrived + timedelta(minutes=20))


def _mail(now: datetime) -> None:
    """What became of the mail the history queued: delivered when it was queued — except one
    address that does not exist (failed at once), one whose server was down for good (failed
    after every attempt), one whose server is greylisting (waiting for the next attempt) and
    what was queued in the last minutes (not tried yet)."""
    messages = list(
        db.session.execute(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.QUEUED)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        ).scalars()
    )
    settled = [m for m in messages if m.created_at < now - timedelta(minutes=10)]
    # the troubles befall municipalities' mailboxes, not the team's
    theirs = [m for m in settled if not m.recipient.endswith("@kts.example")]
    greylisted = theirs[-1]
    unknown = [m for m in theirs if m.created_at < now - timedelta(days=1)][-1]
    unreachable = [m for m in theirs if m.created_at < now - timedelta(days=3)][-1]
    for message in settled:
        start = message.created_at + timedelta(seconds=20)
        if message is unknown:
            tries = [outbox.Try(start, AttemptOutcome.PERMANENT, content.REFUSAL)]
        elif message is unreachable or message is greylisted:
            tries = _retries(message, start, now, unreachable is message)
        else:
            tries = [outbox.Try(start, AttemptOutcome.SENT, ACCEPTED)]
        outbox.record_history(message, tries, WORKER)
    db.session.commit()


def _retries(
    message: OutboxMessage, start: datetime, now: datetime, to_the_end: bool
) -> list[outbox.Try]:
    """Temporary failures at the worker's intervals until now; ``to_the_end``: until the
    worker gave up (it must be old enough for that), else it waits for the next attempt."""
    tries: list[outbox.Try] = []
    at = start
    answer = content.UNREACHABLE if to_the_end else content.GREYLISTED
    limit = current_app.config["OUTBOX_MAX_ATTEMPTS"] - (0 if to_the_end else 1)
    while len(tries) < limit and at < now:
        tries.append(outbox.Try(at, AttemptOutcome.TEMPORARY, answer))
        at = at + outbox.retry_delay(len(tries))
    return tries
