"""One reminder per confirmed participant, the day before, however often the timer runs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from outbox_support import deliver_at
from startsmart import clock
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import reminders, service
from support import make_date

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def applicant(number: int) -> service.Applicant:
    return service.Applicant(
        name=f"Person {number}",
        email=f"person{number}@kommune.de",
        function="",
        municipality=MunicipalityInput(f"Ort {number}", FederalState.BY, MunicipalityKind.TOWN),
    )


def reminder_count() -> int:
    return db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "registration_reminder"
        )
    ).scalar_one()


def test_reminder_goes_out_once_in_the_last_24_hours(app, smtp):
    date_id = make_date(app, capacity=5, starts_in=timedelta(days=3))
    registered = clock.now()
    with app.app_context():
        service.register(date_id, applicant(1), registered, by_staff=True)  # confirmed
        service.register(date_id, applicant(2), registered)  # pending: no reminder
        starts = registered + timedelta(days=3)
        assert reminders.send_due(starts - timedelta(hours=25)) == 0  # too early
        assert reminders.send_due(starts - timedelta(hours=23)) == 1
        assert reminders.send_due(starts - timedelta(hours=22)) == 0  # never twice
        assert reminders.send_due(starts - timedelta(hours=1)) == 0
        deliver_at(starts)
    [reminder] = [m for m in smtp.to("person1@kommune.de") if "Erinnerung" in m["Subject"]]
    body = reminder.get_body(("plain",)).get_content()
    assert "https://konferenz.example.org/raum-1" in body
    assert smtp.to("person2@kommune.de")[-1]["Subject"].startswith("Bitte bestätigen")


def test_runs_in_parallel_queue_each_reminder_once(app, smtp):
    date_id = make_date(app, capacity=30, starts_in=timedelta(days=3))
    registered = clock.now()
    with app.app_context():
        for number in range(20):
            service.register(date_id, applicant(number), registered, by_staff=True)
    due = registered + timedelta(days=2, hours=1)
    results: list[int] = []

    def run() -> None:
        with app.app_context():
            results.append(reminders.send_due(due))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 20
    with app.app_context():
        assert reminder_count() == 20


def test_who_confirms_inside_the_window_gets_no_extra_reminder(app, smtp):
    date_id = make_date(app, capacity=5, starts_in=timedelta(hours=10), closes_before=None)
    with app.app_context():
        service.register(date_id, applicant(1), clock.now(), by_staff=True)
        assert reminders.send_due(clock.now()) == 0
        assert reminder_count() == 0


def test_cli_reports(app, runner, smtp):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0 and "queued 0 reminder(s)" in result.output
