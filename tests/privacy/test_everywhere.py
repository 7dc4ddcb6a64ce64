"""Download and delete cover every place a person appears: every table is either known to hold
person data (and is searched after a deletion) or known not to, and a person with data in all
of them is in the download before and nowhere after."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from outbox_support import deliver_at
from speed_dating_support import EVENT_TEAM, make_event, partner_of
from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Channel
from startsmart.extensions import db
from startsmart.invitations.models import DeliveryAttempt, OutboxMessage, OutboxStatus
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities import notes
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    MunicipalityNote,
)
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service as registrations
from startsmart.registrations import staff_actions
from startsmart.speed_dating import contacts
from startsmart.staff.models import StaffUser
from support import csrf_token, links_in, login, make_date, path_of

pytestmark = pytest.mark.time_sensitive  # bookings and the conference are days ahead

# Tables that hold data about a person who registers, books or takes part, with the columns
# that do. Self-service download and deletion cover them; the test below fills each of them.
PERSON_DATA = {
    # undeliverable_reason: the bouncing server's answer, which quotes the address
    "person": {"name", "email", "function", "undeliverable_reason"},
    "registration": {"question"},
    "consultation": {"situation", "goals", "phone", "notes"},
    "consent": {"source"},
    "speed_dating_participant": {"name", "code"},
    "outbox_message": {"recipient", "subject", "raw", "payload", "last_error"},
    "delivery_attempt": {"reply"},  # the server's answer often quotes the address
    "audit_event": {"details"},  # e.g. the old and new address of a corrected registration
    "access_token": {"token_hash"},  # the manage links (revoked)
    # About the municipality, but free text that may name a person (blanked on deletion)
    "municipality_note": {"text"},
}

# Tables that hold nothing about such a person, and why.
NO_PERSON_DATA = {
    "conference": "the event: title, place, description",
    "conference_session": "the published programme; its speakers are the team's invited "
    "speakers and moderators, never people who register (not self-service data)",
    "session_choice": "ids and times only: which registration chose which workshop, seated or "
    "waiting, checked in; deleted with its registration",
    "session_invitation": "ids of a registration and a session, calendar UID and SEQUENCE, and "
    "the published session as last sent (title, times, room); deleted with the registration",
    "offering": "the catalogue",
    "offering_topic": "catalogue topics",
    "event_date": "dates of offerings",
    "topic": "topic names",
    "municipality": "the municipality as an organisation, not a person",
    "model_project": "the funded Modellprojekte Smart Cities: names of places",
    "model_project_member": "ids only: which municipality belongs to which project",
    "advisor_absence": "staff calendar",
    "weekly_hours": "staff consultation hours",
    "extra_hours": "staff consultation hours",
    "consultation_topic": "ids only (cleared with the consultation's topics)",
    "consultation_recommendation": "ids only: which offering was recommended",
    "speed_dating_session": "settings and run state; the questions are the team's",
    "speed_dating_plan": "participant ids and tables, no names (tested below)",
    "staff_user": "staff accounts, administered by the admins, not self-service",
    "staff_session": "staff logins",
    "staff_second_factor": "staff logins",
    "staff_recovery_code": "staff logins",
    "login_throttle": "hashed addresses of staff logins",
    "processed_mail": "Message-IDs of messages the mail reader acted on; ids of what changed",
    "staff_message": "staff's mails to registrants of a date: sent through outbox_message",
    "feedback_question": "the survey's questions, written by the team",
    "conference_material": "results the team publishes after a conference (files and links); "
    "a file's name as the team uploaded it",
    "conference_badge": "ids only: how often a registration's badge was reissued, and when; "
    "deleted with the registration",
    "documentation_mail": "who was told that the documentation is online: the registration's "
    "id (anonymised with it, SET NULL when deleted) and when",
    "feedback_invitation": "who was asked: the registration's or consultation's id (anonymised "
    "with them) and whether they answered, never what",
    # The survey page asks for no names; nothing links an answer to its writer (no person,
    # registration, invitation or time finer than the day), so it stays after a deletion.
    "feedback_response": "anonymous answers: subject ids, the day, the free text",
    "feedback_rating": "values 1 to 5 of an anonymous answer",
}

NAME = "Kim Kommune"
EMAIL = "kim.kommune@flensburg.de"
PHONE = "0461 123456"
TRACES = (NAME, EMAIL, PHONE)


def text_columns(table: sa.Table) -> list[sa.Column]:
    kinds = (sa.String, sa.Text, sa.JSON, sa.LargeBinary)
    return [c for c in table.columns if isinstance(c.type, kinds)]


def test_every_table_is_known_to_hold_person_data_or_not(app):
    with app.app_context():
        tables = {t.name: t for t in db.metadata.sorted_tables}
    unknown = set(tables) - set(PERSON_DATA) - set(NO_PERSON_DATA)
    assert not unknown, f"say whether these hold person data: {sorted(unknown)}"
    assert not set(PERSON_DATA) & set(NO_PERSON_DATA)
    assert not (set(PERSON_DATA) | set(NO_PERSON_DATA)) - set(tables)
    for name, columns in PERSON_DATA.items():
        assert columns <= {c.name for c in tables[name].columns}, name


def traces_left(exempt: set[tuple[str, int]] = frozenset()) -> list[tuple[str, object, str]]:
    """Every row of every table with the person's name, address or phone in a text, JSON or
    binary column (case-insensitive, so an address written in capitals counts too)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = text_columns(table)
        if not columns:
            continue
        key = next(iter(table.primary_key.columns), None)
        for row in db.session.execute(sa.select(table)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                if isinstance(value, bytes):
                    value = value.decode("utf-8", "replace")
                elif not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False)
                for trace in TRACES:
                    if trace.casefold() in value.casefold():
                        where = row[key.name] if key is not None else None
                        if (table.name, where) not in exempt:
                            found.append((table.name, where, column.name))
    return found


def tables_with_traces() -> set[str]:
    return {table for table, _row, _column in traces_left()}


def register_with_a_typo(app, event) -> int:
    """Kim registered by the team with a mistyped address, corrected afterwards (the audit log
    notes old and new); and for a moderated exchange with a question."""
    with app.app_context():
        outcome = registrations.register(
            event.date_id,
            registrations.Applicant(
                name=NAME,
                email="kim.komune@flensburg.de",
                function="Digitalisierung",
                municipality=MunicipalityInput("Flensburg", FederalState.SH, MunicipalityKind.TOWN),
                speed_dating=True,
                contact_exchange=True,
            ),
            clock.now(),
            by_staff=True,
        )
        actor = db.session.execute(
            sa.select(StaffUser).where(StaffUser.email == EVENT_TEAM)
        ).scalar_one()
        staff_actions.change_email(outcome.registration_id, EMAIL, True, actor, clock.now())
    exchange = make_date(app, fmt="moderated_exchange", capacity=5)
    with app.app_context():
        registrations.register(
            exchange,
            registrations.Applicant(
                name=NAME,
                email=EMAIL,
                function="Digitalisierung",
                municipality=MunicipalityInput("Flensburg", FederalState.SH),
                question=f"Bitte rufen Sie mich an: {PHONE}",
            ),
            clock.now(),
            by_staff=True,
        )
    return outcome.registration_id


def test_download_holds_everything_and_deletion_leaves_no_trace(app, client, smtp):
    event = make_event(app)
    kim = register_with_a_typo(app, event)
    anna = event.register("Anna Alt", "Husum", contact=True)
    ben = event.register("Ben Berg", "Kiel", contact=True)
    ids = {event.check_in(r): r for r in (kim, anna, ben)}
    kim_id = next(p for p, r in ids.items() if r == kim)
    event.walk_in("Wim Walk", "Wyk")
    plan = event.plan()["plan"]
    event.run("start", event.at(13, 0))
    event.run("finish", event.at(13, 30))
    make_advisor(app, "berta@kts.example")
    with app.app_context():
        booking.book(
            booking_request(
                working_day(7), name=NAME, email=EMAIL, phone=PHONE, channel=Channel.PHONE
            ),
            clock.now(),
            by_staff=True,
        )
        actor = db.session.execute(
            sa.select(StaffUser).where(StaffUser.email == EVENT_TEAM)
        ).scalar_one()
        contacts.exchange_contacts(event.conference_id, actor, clock.now())
        town = db.session.execute(
            sa.select(Municipality).where(Municipality.name == "Flensburg")
        ).scalar_one()
        notes.add_note(town.id, f"{NAME} ({EMAIL.upper()}) ruft zurück.", actor, clock.now())
        # The first try is refused for a full mailbox, with an answer that quotes the address.
        smtp.handler.refuse[EMAIL] = f"452 4.2.2 <{EMAIL}>: mailbox full"
        deliver_due()
        smtp.handler.refuse.clear()
        deliver_at(event.at(13, 0))  # the code mails too, due at the start
        assert db.session.execute(
            sa.select(DeliveryAttempt).where(DeliveryAttempt.reply.contains(EMAIL))
        ).first()
        assert (
            db.session.execute(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != OutboxStatus.SENT)
            ).scalar()
            == 0
        )
        # Every table said to hold person data does hold Kim's, except the tokens (hashed).
        assert tables_with_traces() >= set(PERSON_DATA) - {"access_token", "consent"}
    mails = smtp.to(EMAIL)
    manage = path_of(
        next(u for m in mails for u in links_in(m) if "/anmeldung/" in u and "/sd" not in u)
    )
    old_code = event.participant(kim_id).code
    table, partner = partner_of(event, plan, kim_id)
    assert client.get(f"/sd/{old_code}.json").status_code == 200

    data = json.loads(client.get(f"{manage}/meine-daten").data)
    assert data["person"]["email"] == EMAIL
    assert data["consultations"][0]["phone"] == PHONE
    assert {c["kind"] for c in data["consents"]} >= {"contact_exchange"}
    (speed,) = data["speed_dating"]
    assert speed["conference"] == "Regionalkonferenz Nord"
    assert speed["code"].replace(" ", "") == old_code
    first = speed["rounds"][0]
    assert first["table"] == table and first["with"] == [
        f"{partner.name} ({partner.municipality_name})"
    ]
    assert {c["email"] for c in speed["contacts_received"]} <= {
        "anna.alt@husum.de",
        "ben.berg@kiel.de",
    }
    assert speed["contacts_received"]  # Kim met at least one of them, and both agreed
    subjects = [m["subject"] for m in data["mails"]]
    assert len(data["mails"]) == len(mails) and all(subjects)
    assert any("Kontakte vom Speed-Dating" in s for s in subjects)
    assert all(m["status"] == "sent" and f"Guten Tag {NAME}" in m["text"] for m in data["mails"])
    assert any(EMAIL in a["reply"] for m in data["mails"] for a in m["delivery_attempts"])
    assert [n["text"] for n in data["staff_notes"]] == [f"{NAME} ({EMAIL.upper()}) ruft zurück."]

    page = f"{manage}/daten-loeschen"
    assert client.post(page, data={"csrf_token": csrf_token(client, page)}).status_code == 302

    with app.app_context():
        # The calendar cancellations of what Kim had booked went to Kim (and the advisor) while
        # the address was known; once gone they are emptied as well. One still waiting would
        # be marked so (and is the only trace allowed).
        waiting = {
            ("outbox_message", m.id): m
            for m in db.session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED)
            ).scalars()
        }
        assert all((m.reference or "").startswith("forget:") for m in waiting.values())
        assert traces_left(exempt=set(waiting)) == []
        assert db.session.execute(sa.select(MunicipalityNote.text)).scalar_one() == (
            "[gelöscht] ([gelöscht]) ruft zurück."
        )
        cancellations = db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.kind.contains("cancelled"))
        ).scalars()
        assert {(m.status, m.recipient) for m in cancellations} == {(OutboxStatus.SENT, "")}
    # The phone link opens nothing, as for a code that never existed.
    assert client.get(f"/sd/{old_code}").status_code == 404
    assert client.get(f"/sd/{old_code}.json").status_code == 404
    # The partner's phone shows a deleted person at that table.
    seat = client.get(f"/sd/{partner.code}.json").get_json()["schedule"][0]
    assert seat["partners"] == [{"name": "Gelöschte Person", "municipality": "Flensburg"}]
    assert "Gelöschte Person" in client.get(f"/sd/{partner.code}").get_data(as_text=True)
    login(client, EVENT_TEAM)
    base = f"/staff/regionalkonferenzen/{event.conference_id}/speed-dating"
    for path in (
        "",
        "/check-in",
        "/karten",
        "/tische",
        "/plan.csv",
        "/plan.json",
        "/praesentation",
    ):
        response = client.get(base + path)
        assert response.status_code == 200, path
        shown = response.get_data(as_text=True)
        assert NAME not in shown and "Kim" not in shown, path
        assert old_code not in shown, path
    assert "Gelöschte Person" in client.get(f"{base}/tische").get_data(as_text=True)
    cards = client.get(f"{base}/karten").get_data(as_text=True)
    assert "Gelöschte Person" not in cards.split("<h2")[1:]  # no card for nobody


def test_waiting_contact_mails_of_others_go_out_without_the_deleted_person(app, client, smtp):
    event = make_event(app)
    kim = event.register(NAME, "Flensburg", contact=True)
    anna = event.register("Anna Alt", "Husum", contact=True)
    kim_id, anna_id = event.check_in(kim), event.check_in(anna)
    event.plan()
    event.run("start", event.at(13, 0))
    event.run("finish", event.at(13, 10))
    with app.app_context():
        deliver_due()
        actor = db.session.execute(
            sa.select(StaffUser).where(StaffUser.email == EVENT_TEAM)
        ).scalar_one()
        contacts.exchange_contacts(event.conference_id, actor, clock.now())
    mails = smtp.to(EMAIL)
    manage = path_of(next(u for m in mails for u in links_in(m) if "/anmeldung/" in u))
    page = f"{manage}/daten-loeschen"
    smtp.clear()
    assert client.post(page, data={"csrf_token": csrf_token(client, page)}).status_code == 302
    with app.app_context():
        deliver_at(event.at(13, 0))
    to_anna = next(m for m in smtp.to("anna.alt@husum.de") if "Kontakte" in m["Subject"])
    body = to_anna.get_body(("plain",)).get_content()
    assert "Kontakte vom Speed-Dating" in to_anna["Subject"]
    assert NAME not in body and EMAIL not in body
    assert "hat leider niemand dem Kontaktaustausch zugestimmt" in body
    # Kim hears of the cancellations only: no contacts, no code that opens nothing.
    assert all(m["Subject"].startswith("Storniert:") for m in smtp.to(EMAIL))
    assert smtp.to(EMAIL)
    assert event.participant(kim_id).shown_name == "Gelöschte Person"
    assert event.participant(anna_id).name == "Anna Alt"
