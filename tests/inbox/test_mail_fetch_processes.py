"""Two `flask mail fetch` processes, as systemd runs them, on one mailbox and one database:
a decline is acted on once, and SIGTERM stops each reader cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import dovecot
import inbox_letters as letters
import travelled
from staff_support import deliver, register_person
from startsmart import clock
from startsmart.extensions import db
from startsmart.inbox.imap import KEYWORD
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState
from startsmart.registrations.models import Registration, RegistrationStatus
from support import known_towns, make_date

pytestmark = pytest.mark.slow  # reader processes started and stopped

CHECKOUT = Path(__file__).resolve().parents[2]
READER = ("-m", "flask", "--app", "startsmart", "mail", "fetch", "--idle", "0.2")


def test_two_reader_processes_act_on_a_decline_once_and_stop_on_sigterm(
    app, smtp, mailbox, dovecot_url, database_url, tmp_path
):
    known_towns(app, FederalState.HE, ["Gemeinde 1", "Gemeinde 2"])
    date_id = make_date(app, capacity=1)
    first = register_person(app, date_id, 1)
    second = register_person(app, date_id, 2)
    deliver(app)
    environment = {
        **os.environ,
        "STARTSMART_SECRET_KEY": "test-secret-key-that-is-long-enough-for-production",
        "STARTSMART_INSTANCE_PATH": str(tmp_path),
        "STARTSMART_DATABASE_URL": database_url,
        # UIDs carry the instance's domain: the readers must be the same instance as the test.
        "STARTSMART_PUBLIC_URL": app.config["PUBLIC_URL"],
        "STARTSMART_MAIL_DEFAULT_SENDER": "Start Smart (KTS) <startsmart@kts.example>",
        "STARTSMART_MAIL_IMAP_FOLDER": mailbox.folder,
        **{
            f"STARTSMART_{name}": str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in dovecot.settings(dovecot_url).items()
        },
    }
    moment, at = clock.now(), travelled.elapsed()
    logs = [tmp_path / f"reader-{number}.log" for number in range(2)]
    readers = []
    for log in logs:
        with open(log, "wb") as output:
            readers.append(
                subprocess.Popen(
                    travelled.command(moment, *READER, at=at),
                    cwd=CHECKOUT,
                    env=environment,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )

    def output() -> str:
        return "\n".join(log.read_text(errors="replace") for log in logs)

    try:
        deadline = time.monotonic() + 60
        while output().count("mail reader started") < 2:
            assert time.monotonic() < deadline, output()
            time.sleep(0.1)
        invitation = letters.invitation_in(smtp.to("person1@kommune.de"))
        declined = letters.reply(invitation, "DECLINED", "person1@kommune.de")
        mailbox.append(declined)
        mailbox.append(declined)
        deadline = time.monotonic() + 60
        while mailbox.flags() != [{"\\Seen", KEYWORD}] * 2:
            assert time.monotonic() < deadline, output()
            time.sleep(0.1)
    finally:
        for reader in readers:
            reader.send_signal(signal.SIGTERM)
        codes = [reader.wait(30) for reader in readers]
    assert codes == [0, 0], output()
    assert output().count("mail reader stopped") == 2

    with app.app_context():
        assert db.session.get_one(Registration, first).status is RegistrationStatus.CANCELLED
        assert db.session.get_one(Registration, second).status is RegistrationStatus.CONFIRMED
        invitations = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == "person2@kommune.de",
                OutboxMessage.kind == "registration_invitation",
            )
        ).scalar_one()
    assert invitations == 1
