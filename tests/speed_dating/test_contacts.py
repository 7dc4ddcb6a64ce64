"""After the event: contacts go only between people who met and who both agreed, once."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from startsmart import clock
from startsmart.extensions import db
from startsmart.registrations.models import Consent, Registration
from startsmart.speed_dating.planner import HOST_ID
from support import submit, text


def met_in(rounds) -> set[frozenset]:
    found = set()
    for rnd in rounds:
        for table in rnd["tables"]:
            people = [m for m in table["members"] if m != HOST_ID]
            found |= {frozenset(p) for p in itertools.combinations(people, 2)}
    return found


def exchange(client, base):
    return submit(client, base, {}, action=f"{base}/kontakte")


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_only_partners_met_who_both_agreed_and_only_once(app, smtp, team_client, event, base):
    people = {}
    for name, town, agrees in [
        ("Anna Alt", "Husum", True),
        ("Ben Berg", "Kiel", True),
        ("Cem Cel", "Lübeck", True),
        ("Dora Dorn", "Heide", True),
        ("Emil Eng", "Eutin", False),  # did not agree
        ("Fritz Fern", "Plön", True),  # agreed, revokes before the exchange
    ]:
        registration = event.register(name, town, contact=agrees)
        people[event.check_in(registration)] = (name, registration)
    walk_in = event.walk_in("Wim Walk", "Wyk")
    people[walk_in] = ("Wim Walk", None)
    plan = event.plan()["plan"]
    event.run("start", event.at(13, 0))
    response = exchange(team_client, base)
    assert "erst austauschen, wenn das Speed-Dating beendet ist" in text(
        team_client.get(response.headers["Location"])
    )
    event.run("finish", event.at(13, 5))  # round 2 under way: rounds 1 and 2 count
    with app.app_context():
        fritz = people_by_name(people)["Fritz Fern"]
        consent = db.session.execute(
            sa.select(Consent).where(Consent.source == f"registration:{people[fritz][1]}")
        ).scalar_one()
        consent.revoked_at = clock.now()
        db.session.commit()
    smtp.clear()
    response = exchange(team_client, base)
    assert response.status_code == 302

    agreed = {
        pid
        for pid, (name, _r) in people.items()
        if name in {"Anna Alt", "Ben Berg", "Cem Cel", "Dora Dorn"}
    }
    played = met_in(plan["rounds"][:2])
    expected = {
        pid: {q for q in agreed if q != pid and frozenset((pid, q)) in played} for pid in agreed
    }
    emails = {pid: f"{name.lower().replace(' ', '.')}@" for pid, (name, _r) in people.items()}
    received = {r.rcpt_tos[0]: r.message for r in contact_mails(smtp)}
    assert len(received) == len(agreed)  # everybody who agreed hears, matched or not
    for pid, partners in expected.items():
        (message,) = [m for address, m in received.items() if address.startswith(emails[pid])]
        text_body = body(message)
        assert "Ihre Kontakte vom Speed-Dating" in message["Subject"]
        if not partners:
            assert "hat leider niemand dem Kontaktaustausch zugestimmt" in text_body
            assert "@" not in text_body.split("\n\n", 2)[-1]
            continue
        for other, (name, _r) in people.items():
            listed = name in text_body.split("\n\n", 2)[-1] and other != pid
            assert listed == (other in partners), (people[pid][0], name)
        for other in partners:
            assert emails[other] in text_body and "Funktion: Digitalisierung" in text_body
    for silent in ("emil.eng@", "fritz.fern@", "Wim"):
        assert not any(silent in address for address in received)
        assert not any(silent.rstrip("@") in body(m) for m in received.values())

    smtp.clear()
    response = exchange(team_client, base)
    assert "keine neuen Kontakte" in text(team_client.get(response.headers["Location"]))
    assert contact_mails(smtp) == []


def contact_mails(smtp) -> list:
    """The contact mails (the registrations' own mails, queued earlier, go out too)."""
    return [r for r in smtp.received if "Kontakte vom Speed-Dating" in r.message["Subject"]]


def people_by_name(people) -> dict[str, int]:
    return {name: pid for pid, (name, _r) in people.items()}


def test_someone_whose_data_is_gone_takes_no_part(app, smtp, team_client, event, base):
    """A registration whose person row is gone (deleted on request) is skipped, not a crash."""
    ids = {}
    for name, town in [("Anna Alt", "Husum"), ("Ben Berg", "Kiel"), ("Cem Cel", "Lübeck")]:
        registration = event.register(name, town, contact=True)
        ids[name] = (event.check_in(registration), registration)
    event.plan()
    event.run("start", event.at(13, 0))
    event.run("finish", event.at(13, 10))
    with app.app_context():
        registration = db.session.get(Registration, ids["Cem Cel"][1])
        registration.person_id = None
        db.session.commit()
    smtp.clear()
    response = exchange(team_client, base)
    assert response.status_code == 302
    received = {r.rcpt_tos[0]: body(r.message) for r in contact_mails(smtp)}
    assert received, "Anna and Ben met in one of the rounds and both agreed"
    assert not any(address.startswith("cem.cel@") for address in received)
    assert not any("Cem Cel" in text_body for text_body in received.values())


def test_who_agreed_but_met_nobody_who_did_hears_so(app, smtp, team_client, event, base):
    for name, town, agrees in [("Anna Alt", "Husum", True), ("Ben Berg", "Kiel", False)]:
        event.check_in(event.register(name, town, contact=agrees))
    event.plan()
    event.run("start", event.at(13, 0))
    event.run("finish", event.at(13, 10))
    smtp.clear()
    exchange(team_client, base)
    [mail] = contact_mails(smtp)
    assert mail.rcpt_tos[0].startswith("anna.alt@")
    text_body = body(mail.message)
    assert "hat leider niemand dem Kontaktaustausch zugestimmt" in text_body
    assert "Ben Berg" not in text_body and "ben.berg@" not in text_body
