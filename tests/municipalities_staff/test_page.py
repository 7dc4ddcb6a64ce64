"""The staff page of one municipality: facts, one timeline of everything, notes, the next
step; who may open it, that every list naming the municipality links it, and that it costs
a fixed number of queries however long the history."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import EventDate, EventDateStatus, Offering, OfferingFormat
from startsmart.conferences.models import Conference
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.municipalities import merging, notes
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    MunicipalityNote,
    Person,
    PopulationClass,
)
from startsmart.registrations.models import Attendance, Registration, RegistrationStatus
from startsmart.speed_dating.models import SpeedDatingParticipant, SpeedDatingSession
from startsmart.staff.models import Role, StaffUser
from support import counted_statements, csrf_token, login, make_staff, text

ADVISOR = "berta@kts.example"
TEAM = "eva@kts.example"
ADMIN = "ada@kts.example"
DAY = timedelta(days=1)
_serial = itertools.count(1)


def _offering(fmt: OfferingFormat, title: str) -> Offering:
    n = next(_serial)
    return Offering(format=fmt, title=title, slug=f"o-{n}", summary="Kurz.", description="Lang.")


def _date(offering: Offering, starts) -> EventDate:
    return EventDate(
        offering=offering,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        capacity=30,
        online_url="https://konferenz.example.org/raum-1",
        status=EventDateStatus.PUBLISHED,
    )


def seed(app, size: int = 1, *, name: str = "Detmold", follow_up: bool = True) -> int:
    """A town with ``size`` of everything: people, online introductions attended long ago,
    held consultations, conference registrations with speed-dating, notes."""
    now = clock.now()
    with app.app_context():
        advisor_id = db.session.execute(
            sa.select(StaffUser.id).where(StaffUser.email == ADVISOR)
        ).scalar()
    if advisor_id is None:
        advisor_id = make_staff(app, ADVISOR, Role.ADVISOR, name="Berta Beraterin")
    with app.app_context():
        town = Municipality(
            name=name,
            kind=MunicipalityKind.CITY,
            state=FederalState.NW,
            ags="05766020" if name == "Detmold" else None,
            population_class=PopulationClass.FROM_20K,
        )
        db.session.add(town)
        intro = _offering(OfferingFormat.ONLINE_INTRO, "Online-Einführung Smart City")
        conf_offering = _offering(OfferingFormat.CONFERENCE, "Regionalkonferenz Nord")
        for i in range(size):
            person = Person(
                name=f"Kim Kommune-{i}", email=f"kim{i}@{name.lower()}.de", municipality=town
            )
            db.session.add(person)
            when = now - (100 + i) * DAY
            common = dict(
                person=person,
                municipality=town,
                privacy_notice_version="1",
                privacy_acknowledged_at=when,
            )
            db.session.add(
                Registration(
                    event_date=_date(intro, when),
                    status=RegistrationStatus.CONFIRMED,
                    attendance=Attendance.ATTENDED,
                    **common,
                )
            )
            conference = Conference(
                title=f"Regionalkonferenz Nord {i}",
                slug=f"rk-{next(_serial)}",
                city="Husum",
                venue="Rathaus",
                starts_at=now - (300 + i) * DAY,
                ends_at=now - (300 + i) * DAY + timedelta(hours=6),
            )
            conf_date = _date(conf_offering, conference.starts_at)
            conf_date.conference = conference
            registration = Registration(
                event_date=conf_date,
                status=RegistrationStatus.CONFIRMED,
                speed_dating=True,
                **common,
            )
            session = SpeedDatingSession(
                conference=conference,
                starts_at=conference.starts_at + timedelta(hours=3),
                question_1="Eins?",
                question_2="Zwei?",
                question_3="Drei?",
            )
            db.session.add_all([registration, session])
            db.session.flush()
            db.session.add(
                SpeedDatingParticipant(
                    session_id=session.id,
                    registration_id=registration.id,
                    name=person.name,
                    municipality_id=town.id,
                    municipality_name=name,
                    present=True,
                    checked_in_at=session.starts_at,
                    code=f"code{next(_serial)}",
                )
            )
            starts = now - (400 + i) * DAY
            db.session.add(
                Consultation(
                    advisor_id=advisor_id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    channel=Channel.VIDEO,
                    status=ConsultationStatus.CONFIRMED,
                    follow_up_sent_at=starts + DAY if follow_up else None,
                    **common,
                )
            )
            db.session.add(
                MunicipalityNote(
                    municipality_id=town.id, text=f"Notiz Nummer {i}", created_at=now - i * DAY
                )
            )
        db.session.commit()
        return town.id


def page_of(client, town_id: int) -> str:
    response = client.get(f"/staff/kommunen/{town_id}")
    assert response.status_code == 200
    return text(response)


def test_the_page_shows_facts_and_everything_on_one_timeline_newest_first(app, client):
    town_id = seed(app, size=2)
    make_staff(app, TEAM, Role.EVENT_TEAM)
    login(client, TEAM)
    shown = page_of(client, town_id)
    for fact in ("Detmold", "Nordrhein-Westfalen", "Stadt", "20.000 bis 100.000", "05766020"):
        assert fact in shown
    assert "Kim Kommune-1" in shown and "kim0@detmold.de" in shown
    order = [
        "Notiz Nummer 0",
        "Notiz Nummer 1",
        "Online-Einführung Smart City",  # 100 days ago
        "Regionalkonferenz Nord 0",  # the speed-dating, 300 days ago
        "mit Berta Beraterin",  # the consultation, 400 days ago
    ]
    positions = [shown.index(x) for x in order]
    assert positions == sorted(positions)
    assert "teilgenommen" in shown and "Speed-Dating angekreuzt" in shown
    assert "war da" in shown and "Nachbereitung verschickt" in shown
    # The consultations were before the introductions: none was booked since.
    assert "Bieten Sie eine Initialberatung an" in shown


def test_next_step_names_an_open_follow_up_and_model_projects(app, client):
    town_id = seed(app, follow_up=False)
    login(client, ADVISOR)
    shown = page_of(client, town_id)
    assert "Nachbereitung der Beratung" in shown and "Nachbereitung offen" in shown
    with app.app_context():
        db.session.get(Municipality, town_id).is_model_project = True
        for c in db.session.execute(sa.select(Consultation)).scalars():
            c.follow_up_sent_at = clock.now()
        db.session.commit()
    assert "moderierten Austauschen" in page_of(client, town_id)


def test_an_empty_municipality_has_nothing_to_suggest(app, client):
    make_staff(app, TEAM, Role.EVENT_TEAM)
    with app.app_context():
        town = Municipality(name="Lemgo", kind=MunicipalityKind.TOWN, state=FederalState.NW)
        db.session.add(town)
        db.session.commit()
        town_id = town.id
    login(client, TEAM)
    shown = page_of(client, town_id)
    assert "Noch nichts geschehen" in shown and "Nichts Bestimmtes" in shown
    assert client.get("/staff/kommunen/999999").status_code == 404


def test_staff_add_and_delete_their_own_notes_only_and_the_log_keeps_no_text(app, client):
    town_id = seed(app)
    make_staff(app, TEAM, Role.EVENT_TEAM, name="Eva Team")
    page = f"/staff/kommunen/{town_id}"
    login(client, TEAM)
    empty = client.post(f"{page}/notizen", data={"csrf_token": csrf_token(client, page)})
    assert "Bitte schreiben Sie eine Notiz" in text(empty)
    response = client.post(
        f"{page}/notizen",
        data={"csrf_token": csrf_token(client, page), "text": "Bürgermeisterin ruft zurück"},
        follow_redirects=True,
    )
    assert "Bürgermeisterin ruft zurück" in text(response) and "von Eva Team" in text(response)
    with app.app_context():
        mine = db.session.execute(
            sa.select(MunicipalityNote).where(MunicipalityNote.author_id.is_not(None))
        ).scalar_one()
        other = db.session.execute(
            sa.select(MunicipalityNote).where(MunicipalityNote.author_id.is_(None))
        ).scalar_one()
        mine_id, other_id = mine.id, other.id
    # Somebody else's note: no button, and the POST changes nothing.
    client.post(
        f"{page}/notizen/{other_id}/loeschen", data={"csrf_token": csrf_token(client, page)}
    )
    client.post(f"{page}/notizen/{mine_id}/loeschen", data={"csrf_token": csrf_token(client, page)})
    with app.app_context():
        left = db.session.execute(sa.select(MunicipalityNote.id)).scalars().all()
        assert left == [other_id]
        events = db.session.execute(
            sa.select(AuditEvent)
            .where(AuditEvent.action.startswith("municipality."))
            .order_by(AuditEvent.id)
        ).scalars()
        logged = [(e.action, e.subject, e.details) for e in events]
    assert logged == [
        ("municipality.note_added", f"municipality:{town_id}", {"note_id": mine_id}),
        ("municipality.note_deleted", f"municipality:{town_id}", {"note_id": mine_id}),
    ]


def test_only_staff_who_work_with_municipalities_open_it(app, client):
    town_id = seed(app)
    assert client.get(f"/staff/kommunen/{town_id}").status_code == 302  # to the login
    make_staff(app, ADMIN, Role.ADMIN)
    login(client, ADMIN)
    assert client.get(f"/staff/kommunen/{town_id}").status_code == 200


def test_lists_naming_the_municipality_link_its_page(app, client):
    town_id = seed(app)
    make_staff(app, TEAM, Role.EVENT_TEAM)
    login(client, TEAM)
    link = f'href="/staff/kommunen/{town_id}"'
    with app.app_context():
        registration = db.session.execute(
            sa.select(Registration)
            .join(EventDate)
            .join(Offering)
            .where(Offering.format == OfferingFormat.ONLINE_INTRO)
        ).scalar_one()
        date_id, registration_id = registration.event_date_id, registration.id
        consultation_id = db.session.execute(sa.select(Consultation.id)).scalar_one()
    for path in (
        f"/staff/termine/{date_id}",
        f"/staff/termine/{date_id}/anmeldungen/{registration_id}",
        f"/staff/beratungen/{consultation_id}",
        "/staff/suche/?q=detmold",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert link in response.get_data(as_text=True), path


def test_the_page_costs_the_same_few_queries_however_long_the_history(app, client):
    short = seed(app, size=1)
    long = seed(app, size=40, name="Bielefeld")
    login(client, ADVISOR)
    counted = {}
    for town_id in (short, long):
        page_of(client, town_id)  # the login's first look-ups alike for both
        with app.app_context(), counted_statements() as statements:
            shown = page_of(client, town_id)
        counted[town_id] = statements
    assert "Kim Kommune-39" in shown and "Notiz Nummer 39" in shown
    # The staff login, the municipality, its people, registrations, consultations,
    # speed-dating participations, notes and model projects: 8 on either database
    # (docs/performance.md).
    assert len(counted[long]) == len(counted[short]) == 8, counted[long]


def test_merging_a_misspelt_municipality_moves_its_notes(app):
    town_id = seed(app)
    make_staff(app, TEAM, Role.EVENT_TEAM)
    with app.app_context():
        team = db.session.execute(sa.select(StaffUser).where(StaffUser.email == TEAM)).scalar_one()
        invented = Municipality(name="Detmlod", kind=MunicipalityKind.CITY, state=FederalState.NW)
        db.session.add(invented)
        db.session.flush()
        invented.verified_at = None  # as a public form leaves it
        db.session.commit()
        notes.add_note(invented.id, "Schreibt sich anders.", team, clock.now())
        merging.merge(invented.id, town_id, team, clock.now())
        moved = db.session.execute(
            sa.select(MunicipalityNote.municipality_id).where(
                MunicipalityNote.text == "Schreibt sich anders."
            )
        ).scalar_one()
    assert moved == town_id
