"""The mail that brings each participant to their phone view: sent when a plan first includes
them, once, in their language, through the outbox to a real SMTP server."""

from __future__ import annotations

import re

import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from support import links_in, path_of, submit, text


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def code_mails(smtp, address: str | None = None) -> list:
    """The code mails received (for ``address``), oldest first: those with a phone-view link."""
    return [
        r.message
        for r in smtp.received
        if "https://startsmart.test/sd/" in body(r.message)
        and (address is None or address in r.rcpt_tos)
    ]


def deliver(app, now) -> None:
    """What the outbox worker does at ``now`` (the helpers plan on the conference day)."""
    with app.app_context():
        deliver_at(now)


def test_everyone_planned_gets_one_mail_with_the_link_and_the_code(
    app, smtp, client, team_client, event, base
):
    anna = event.check_in(event.register("Anna Alt", "Husum"))
    ben = event.check_in(event.register("Ben Berg", "Kiel", locale="en"))
    cem = event.check_in(event.register("Cem Cel", "Lübeck"))
    event.walk_in("Wim Walk", "Wyk")  # no e-mail address: has the printed card
    smtp.clear()
    response = submit(
        team_client, base, {"from_round": "1", "plan_version": "0"}, action=f"{base}/plan"
    )
    assert "3 Personen erhalten den Link zu ihrem Plan auf dem Telefon per E-Mail." in text(
        team_client.get(response.headers["Location"])
    )
    [mail] = code_mails(smtp, "anna.alt@husum.de")
    code = event.participant(anna).code
    assert mail["Subject"] == "Ihr Speed-Dating-Plan: Regionalkonferenz Nord"
    text_body = body(mail)
    assert f"https://startsmart.test/sd/{code}" in text_body
    assert f"Ihr persönlicher Code: {code[:4]} {code[4:]}" in text_body
    assert "Sie können ihn auch hier eingeben: https://startsmart.test/sd\r\n" in text_body
    assert "um 13:00 Uhr" in text_body
    [english] = code_mails(smtp, "ben.berg@kiel.de")  # the words follow the catalogue
    assert english["Content-Language"] == "en" and mail["Content-Language"] == "de"
    assert english["Subject"] == "Your speed networking plan: Regionalkonferenz Nord"
    assert "The speed networking starts on" in body(english) and "Uhr" not in body(english)
    assert f"/sd/{event.participant(ben).code}" in body(english)
    assert len(code_mails(smtp)) == 3  # Anna, Ben, Cem; not the walk-in
    # The link in the mail opens the phone view of that person, and only theirs.
    page = text(client.get(path_of(next(u for u in links_in(mail) if "/sd/" in u))))
    assert "Anna Alt (Husum)" in page and re.search(r'id="sd-headline">Runde 1 · ', page)
    assert cem  # planned with the others


def test_a_replan_mails_only_the_late_arrival(app, smtp, event):
    ids = [event.check_in(event.register(f"Person {n}", f"Ort{n}")) for n in range(4)]
    event.plan()
    deliver(app, event.at(13, 1))
    assert len(code_mails(smtp)) == 4
    late = event.check_in(event.register("Lea Later", "Spätdorf"))
    event.presence(ids[0], False)  # gone: no mail either way
    event.plan(from_round=2)
    event.plan(from_round=2)  # staff press it again
    deliver(app, event.at(13, 1))
    mails = code_mails(smtp)
    assert len(mails) == 5
    assert "Lea Later" in mails[-1]["To"]
    assert f"/sd/{event.participant(late).code}" in body(mails[-1])
    with app.app_context():
        keys = db.session.execute(
            sa.select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "speed_dating_code")
        ).scalars()
        assert sorted(keys) == sorted(f"speed-dating-code:{i}" for i in [*ids, late])
