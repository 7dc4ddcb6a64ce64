"""The staff start page shows the day for the signed-in person's role: each figure checked
against a world built so that it is known in advance (not by asking the same query again),
each number a link to its list, and a few queries whatever the history holds."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.clock import berlin_today
from startsmart.consultations import followup
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage, OutboxStatus
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind, Person
from startsmart.registrations.models import Registration, RegistrationStatus
from startsmart.staff.models import Role
from support import counted_statements, login, make_staff, text

# Wednesday 11 March 2026, 09:00 in Berlin: today Wednesday, tomorrow Thursday; a consultation
# that ended on Thursday the 5th was due on Tuesday (3 working days) and is overdue; one that
# ended yesterday is due on Friday.
MOMENT = datetime(2026, 3, 11, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
ANNA, BEN, EVA, ADA = "anna@kts.example", "ben@kts.example", "eva@kts.example", "ada@kts.example"
_serial = itertools.count(1)


@dataclass
class World:
    """What one copy of the world holds, by id, so the page can be checked against it."""

    full_date: list[int] = field(default_factory=list)  # 3 of 3 seats taken, 2 waiting
    open_date: list[int] = field(default_factory=list)  # 4 of 10 taken, 2 of them unconfirmed
    draft_date: list[int] = field(default_factory=list)  # nobody yet
    anna_today: list[int] = field(default_factory=list)  # video, no link anywhere
    anna_tomorrow: list[int] = field(default_factory=list)  # video with its own link
    ben_today: list[int] = field(default_factory=list)  # by phone


@pytest.fixture
def staff(app):
    ids = {
        ANNA: make_staff(app, ANNA, Role.ADVISOR, name="Anna Advisor"),
        BEN: make_staff(app, BEN, Role.ADVISOR, name="Ben Berater"),
        EVA: make_staff(app, EVA, Role.EVENT_TEAM, name="Eva Event"),
        ADA: make_staff(app, ADA, Role.ADMIN, name="Ada Admin"),
    }
    return ids


def _date(offering, starts, capacity, status=EventDateStatus.PUBLISHED) -> EventDate:
    event_date = EventDate(
        offering=offering,
        starts_at=starts,
        ends_at=starts + 2 * HOUR,
        capacity=capacity,
        online_url="https://konferenz.example.org/raum",
        status=status,
    )
    db.session.add(event_date)
    return event_date


def _register(town, event_date, status, count) -> None:
    for _ in range(count):
        k = next(_serial)
        person = Person(name=f"Kim {k}", email=f"kim{k}@detmold.de", municipality=town)
        db.session.add(
            Registration(
                event_date=event_date,
                person=person,
                municipality=town,
                status=status,
                queued_at=MOMENT if status is RegistrationStatus.WAITLISTED else None,
                hold_expires_at=MOMENT + DAY if status is RegistrationStatus.PENDING else None,
                privacy_notice_version="1",
                privacy_acknowledged_at=MOMENT,
            )
        )


def _consult(advisor_id, town, n, starts, status=ConsultationStatus.CONFIRMED, **fields):
    starts += n * timedelta(minutes=1)  # one advisor, one start: each copy a minute later
    consultation = Consultation(
        advisor_id=advisor_id,
        municipality=town,
        starts_at=starts,
        ends_at=starts + HOUR,
        status=status,
        privacy_notice_version="1",
        privacy_acknowledged_at=MOMENT,
        **{"channel": Channel.VIDEO, **fields},
    )
    db.session.add(consultation)
    return consultation


def build(app, staff, world: World, copies: int = 1) -> World:
    """``copies`` times: three dates in the next days (full with a waiting list, open with two
    unconfirmed, a draft), one cancelled date and one that is over, each with registrations
    that must not count; Anna's consultations today (no link), tomorrow (a link), the day
    after (no link), one with an overdue follow-up, one held yesterday and one cancelled
    today; Ben's today by phone; two failed mails, one sent; one municipality nobody has
    checked."""
    now = MOMENT
    with app.app_context():
        for _ in range(copies):
            n = len(world.full_date) + 1
            town = Municipality(
                name=f"Detmold {n}", kind=MunicipalityKind.CITY, state=FederalState.NW
            )
            invented = Municipality(
                name=f"Detmlod {n}", kind=MunicipalityKind.CITY, state=FederalState.NW
            )
            db.session.add_all([town, invented])
            db.session.flush()
            invented.verified_at = None
            offering = Offering(
                format=OfferingFormat.ONLINE_INTRO,
                title=f"Einführung {n}",
                slug=f"einfuehrung-{n}",
                summary="Kurz.",
                description="Lang.",
            )

            full = _date(offering, now + DAY + n * timedelta(minutes=1), 3)
            _register(town, full, RegistrationStatus.CONFIRMED, 3)
            _register(town, full, RegistrationStatus.WAITLISTED, 2)
            _register(town, full, RegistrationStatus.CANCELLED, 1)
            opened = _date(offering, now + 3 * DAY + n * timedelta(minutes=1), 10)
            _register(town, opened, RegistrationStatus.CONFIRMED, 2)
            _register(town, opened, RegistrationStatus.PENDING, 2)
            _register(town, opened, RegistrationStatus.EXPIRED, 1)
            draft = _date(
                offering, now + 10 * DAY + n * timedelta(minutes=1), 5, EventDateStatus.DRAFT
            )
            cancelled = _date(offering, now + 2 * DAY, 8, EventDateStatus.CANCELLED)
            _register(town, cancelled, RegistrationStatus.PENDING, 1)
            over = _date(offering, now - 3 * DAY, 8)  # a hold nobody expired: not waiting any more
            _register(town, over, RegistrationStatus.PENDING, 1)
            later = _date(offering, now + 20 * DAY, 8)  # beyond the 14 days
            _register(town, later, RegistrationStatus.CONFIRMED, 1)

            today = _consult(staff[ANNA], town, n, now + 5 * HOUR)
            tomorrow = _consult(
                staff[ANNA], town, n, now + DAY, join_url="https://konferenz.example.org/anna"
            )
            _consult(staff[ANNA], town, n, now + 2 * DAY)  # no link, but not today or tomorrow
            _consult(staff[ANNA], town, n, now - 6 * DAY)  # ended on the 5th: overdue
            _consult(staff[ANNA], town, n, now - DAY)  # ended yesterday: not overdue yet
            _consult(staff[ANNA], town, n, now + 7 * HOUR, status=ConsultationStatus.CANCELLED)
            _consult(staff[ANNA], town, n, now - 20 * DAY, follow_up_sent_at=now - 19 * DAY)
            ben = _consult(staff[BEN], town, n, now + 2 * HOUR, channel=Channel.PHONE)
            for status in (OutboxStatus.FAILED, OutboxStatus.FAILED, OutboxStatus.SENT):
                db.session.add(
                    OutboxMessage(
                        status=status,
                        recipient="kim@detmold.de",
                        subject="Ihre Anmeldung",
                        kind="registration.welcome",
                        message_id=f"<m{next(_serial)}@startsmart.example>",
                        raw=b"Subject: x\r\n\r\nx",
                        attempts=5,
                    )
                )
            db.session.flush()
            world.full_date.append(full.id)
            world.open_date.append(opened.id)
            world.draft_date.append(draft.id)
            world.anna_today.append(today.id)
            world.anna_tomorrow.append(tomorrow.id)
            world.ben_today.append(ben.id)
        db.session.commit()
    return world


def _signed_in(app, email: str):
    client = app.test_client()
    login(client, email)
    return client


def _as(app, email: str) -> str:
    """The start page as ``email`` sees it."""
    response = _signed_in(app, email).get("/staff/")
    assert response.status_code == 200
    return text(response)


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def figure(page: str, name: str) -> tuple[str, list[str]]:
    """A figure's sentence and where it links."""
    found = re.search(rf'<li id="figure-{name}">(.*?)</li>', page, re.S)
    assert found, f"no figure {name}"
    return _plain(found.group(1)), re.findall(r'href="([^"]+)"', found.group(1))


def date_row(page: str, date_id: int) -> tuple[list[str], list[str]]:
    found = re.search(rf'<tr id="date-{date_id}">(.*?)</tr>', page, re.S)
    assert found, f"date {date_id} not listed"
    cells = [_plain(c) for c in re.findall(r"<td>(.*?)</td>", found.group(1), re.S)]
    return cells, re.findall(r'href="([^"]+)"', found.group(1))


def consultations_on(page: str, which: str) -> tuple[str, list[int], list[int]]:
    """The day's heading, its consultations (in order) and those flagged "Link fehlt"."""
    part = page.split(f'id="day-{which}"')[1]
    part = re.split(r"<h3|</section>", part, maxsplit=1)[0]
    heading = _plain(part.split("</h3>")[0].split(">", 1)[1])
    shown = [int(i) for i in re.findall(r'href="/staff/beratungen/(\d+)"', part)]
    flagged = [int(i) for i in re.findall(r'href="/staff/beratungen/(\d+)#link"', part)]
    return heading, shown, flagged


def test_each_role_sees_its_figures_of_the_day_each_a_link_to_its_list(app, client, travel, staff):
    travel.move_to(MOMENT)
    world = build(app, staff, World())

    page = _as(app, ANNA)
    assert "Ihre Beratungen heute und morgen" in page
    heading, shown, flagged = consultations_on(page, "today")
    assert heading == "Heute, Mittwoch, 11. März 2026: 1 Beratung"
    assert shown == world.anna_today and flagged == world.anna_today
    heading, shown, flagged = consultations_on(page, "tomorrow")
    assert heading == "Morgen, Donnerstag, 12. März 2026: 1 Beratung"
    assert shown == world.anna_tomorrow and flagged == []
    assert figure(page, "missing-links") == (
        "2 Videoberatungen: Link fehlt.",
        ["/staff/beratungen/#link-fehlt"],
    )
    assert figure(page, "overdue") == (
        "1 Follow-up ist überfällig.",
        ["/staff/beratungen/#ueberfaellig"],
    )
    assert 'id="day-events"' not in page and 'id="figure-failed"' not in page

    page = _as(app, BEN)
    _, shown, flagged = consultations_on(page, "today")
    assert shown == world.ben_today and flagged == []
    heading, shown, _ = consultations_on(page, "tomorrow")
    assert heading.endswith(": 0 Beratungen") and shown == []
    assert figure(page, "missing-links") == ("Jede kommende Videoberatung hat einen Link.", [])
    assert figure(page, "overdue") == ("Kein Follow-up ist überfällig.", [])

    page = _as(app, EVA)
    assert 'id="day-consultations"' not in page
    assert figure(page, "pending") == (
        "2 Anmeldungen warten auf Bestätigung.",
        ["/staff/termine?status=pending"],
    )
    assert figure(page, "failed") == (
        "2 E-Mails sind fehlgeschlagen.",
        ["/staff/postausgang/?status=failed"],
    )
    assert figure(page, "unverified") == (
        "1 Kommune wartet auf Prüfung.",
        ["/staff/kommunen/ungeprueft"],
    )
    (full,), (opened,), (draft,) = world.full_date, world.open_date, world.draft_date
    assert re.findall(r'<tr id="date-(\d+)">', page) == [str(full), str(opened), str(draft)]
    cells, links = date_row(page, full)
    assert cells[2:] == ["3 von 3", "0 – ausgebucht", "2", "0"]
    assert links == [f"/staff/termine/{full}", f"/staff/termine/{full}?status=waitlisted"]
    cells, links = date_row(page, opened)
    assert cells[2:] == ["4 von 10", "6", "0", "2"]
    assert links == [f"/staff/termine/{opened}", f"/staff/termine/{opened}?status=pending"]
    cells, _ = date_row(page, draft)
    assert "Entwurf" in cells[1] and cells[2:] == ["0 von 5", "5", "0", "0"]
    assert "weitere Termine" not in page

    page = _as(app, ADA)
    assert "Beratungen heute und morgen" in page and "Beratung durch" in page
    _, shown, flagged = consultations_on(page, "today")
    assert shown == world.ben_today + world.anna_today and flagged == world.anna_today  # by time
    _, shown, _ = consultations_on(page, "tomorrow")
    assert shown == world.anna_tomorrow
    assert figure(page, "missing-links")[0] == "2 Videoberatungen: Link fehlt."
    assert figure(page, "overdue")[0] == "1 Follow-up ist überfällig."
    assert figure(page, "pending")[0] == "2 Anmeldungen warten auf Bestätigung."
    assert figure(page, "failed")[0] == "2 E-Mails sind fehlgeschlagen."
    assert figure(page, "unverified")[0] == "1 Kommune wartet auf Prüfung."

    # The lists the numbers lead to show the same things.
    client = _signed_in(app, EVA)
    listed = text(client.get("/staff/termine?status=pending"))
    assert f"/staff/termine/{opened}?status=pending" in listed
    assert f"/staff/termine/{full}" not in listed
    failed = text(client.get("/staff/postausgang/?status=failed"))
    assert failed.count("Ihre Anmeldung") == 2


def test_the_empty_day_says_so_in_words(app, client, travel, staff):
    travel.move_to(MOMENT)
    page = _as(app, ADA)
    assert figure(page, "pending") == ("Keine Anmeldung wartet auf Bestätigung.", [])
    assert figure(page, "failed") == ("Keine E-Mail ist fehlgeschlagen.", [])
    assert figure(page, "unverified") == ("Keine neue Kommune wartet auf Prüfung.", [])
    assert "In diesen Tagen findet kein Termin statt." in page
    assert consultations_on(page, "today")[0].endswith(": 0 Beratungen")
    listed = text(_signed_in(app, EVA).get("/staff/termine?status=pending"))
    assert "Keine Anmeldung wartet auf Bestätigung." in listed


def test_the_page_costs_the_same_few_queries_however_much_there_is(app, client, travel, staff):
    travel.move_to(MOMENT)
    world = build(app, staff, World())
    counted = []
    client = _signed_in(app, ADA)
    for more in (0, 39):
        build(app, staff, world, copies=more)
        client.get("/staff/")  # the login's first look-ups alike for both
        with app.app_context(), counted_statements() as statements:
            page = text(client.get("/staff/"))
        counted.append(statements)
    assert figure(page, "pending")[0] == "80 Anmeldungen warten auf Bestätigung."
    assert figure(page, "failed")[0] == "80 E-Mails sind fehlgeschlagen."
    assert len(re.findall(r'<tr id="date-', page)) == 10
    assert "110 weitere Termine in diesen Tagen" in page  # 120 dates in the 14 days
    assert len(consultations_on(page, "today")[1]) == 80
    # The login's session and account (one statement), the figures, the two days'
    # consultations, the dates with their seats: four on either database (docs/performance.md).
    assert len(counted[0]) == len(counted[1]) == 4, counted[1]


def test_the_overdue_bound_in_sql_says_what_the_due_day_says(app):
    """``followup.overdue_before`` (one bound the figure's count can use) against the rule it
    stands for, ``due_on(c) < today``: every hour a consultation could end, for mornings and
    nights of three weeks around the switch to summer time (29 March 2026)."""
    with app.app_context():
        for day in range(21):
            for hour in (0, 9, 22):
                now = datetime(2026, 3, 16, hour, 30, tzinfo=UTC) + day * DAY
                bound = followup.overdue_before(now)
                today = berlin_today(now)
                for back in range(1, 24 * 14):
                    ended = now - back * HOUR
                    due = followup.due_on(SimpleNamespace(ends_at=ended))
                    assert (ended < bound) == (due < today), (now, ended, bound)
