"""Seats, holds, the waiting list and promotion, driven through the service with a set clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from moments import moment_of_this_run
from outbox_support import deliver_at
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, MunicipalityKind
from startsmart.municipalities.service import MunicipalityInput
from startsmart.registrations import service
from startsmart.registrations.models import Registration, RegistrationStatus
from support import known_towns, links_in, make_date

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py

NOW = moment_of_this_run()  # every test starts at it (tests/moments.py)


def applicant(number: int, town: str | None = None, **changes) -> service.Applicant:
    return service.Applicant(
        name=f"Person {number}",
        email=f"person{number}@kommune.de",
        function="Stadtentwicklung",
        municipality=MunicipalityInput(
            name=town or f"Gemeinde {number}", state=FederalState.SH, kind=MunicipalityKind.TOWN
        ),
        **changes,
    )


@pytest.fixture(autouse=True)
def towns(app):
    """ "Gemeinde 1" to "Gemeinde 60" are known (the people of these tests come from them)."""
    known_towns(app, FederalState.SH, [f"Gemeinde {number}" for number in range(1, 61)])


def status_of(registration_id: int) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).status


def mails_to(smtp, number: int):
    """Deliver what the outbox holds (no request here to do it), then read person N's mail.
    The clock is ahead: services ran with times up to days after NOW."""
    deliver_at(NOW + timedelta(days=30))
    return smtp.to(f"person{number}@kommune.de")


def token_from_last_mail(smtp, number: int, index: int = -1) -> str:
    mail = mails_to(smtp, number)[index]
    url = next(u for u in links_in(mail) if "/anmeldung/" in u)
    return url.split("/anmeldung/")[1].split("/")[0]


def test_full_date_puts_people_on_the_list_in_order(app, smtp):
    date_id = make_date(app, capacity=2)
    with app.app_context():
        outcomes = [service.register(date_id, applicant(n), NOW) for n in range(5)]
    assert [o.status for o in outcomes] == [RegistrationStatus.PENDING] * 2 + [
        RegistrationStatus.WAITLISTED
    ] * 3
    assert [o.position for o in outcomes] == [None, None, 1, 2, 3]
    with app.app_context():
        waitlist_mail = mails_to(smtp, 3)[0]
    assert "Platz 2 der Warteliste" in waitlist_mail.get_body(("plain",)).get_content()


def test_cancelled_seat_goes_to_the_first_in_line(app, smtp):
    date_id = make_date(app, capacity=1)
    with app.app_context():
        first = service.register(date_id, applicant(1), NOW)
        second = service.register(date_id, applicant(2), NOW)
        service.confirm(token_from_last_mail(smtp, 2), NOW)  # confirms the address while waiting
        service.cancel(token_from_last_mail(smtp, 1), NOW + timedelta(minutes=5))
        assert status_of(first.registration_id) is RegistrationStatus.CANCELLED
        assert status_of(second.registration_id) is RegistrationStatus.CONFIRMED
        promoted = mails_to(smtp, 2)[-1]
    assert promoted["Subject"].startswith("Sie sind nachgerückt")
    assert any(p.get_content_type() == "text/calendar" for p in promoted.walk())


def test_unconfirmed_person_promoted_gets_a_hold_and_must_confirm(app, smtp):
    date_id = make_date(app, capacity=1)
    with app.app_context():
        service.register(date_id, applicant(1), NOW)
        second = service.register(date_id, applicant(2), NOW)
        service.cancel(token_from_last_mail(smtp, 1), NOW)
        assert status_of(second.registration_id) is RegistrationStatus.PENDING
        assert mails_to(smtp, 2)[-1]["Subject"].startswith("Ein Platz ist frei")


def test_unconfirmed_hold_expires_and_frees_the_seat(app, smtp):
    date_id = make_date(app, capacity=1)
    hold = timedelta(hours=app.config["REGISTRATION_HOLD_HOURS"])
    with app.app_context():
        first = service.register(date_id, applicant(1), NOW)
        second = service.register(date_id, applicant(2), NOW)
        assert service.expire_all(NOW + hold - timedelta(seconds=1)) == 0
        assert service.expire_all(NOW + hold) == 1
        assert status_of(first.registration_id) is RegistrationStatus.EXPIRED
        assert status_of(second.registration_id) is RegistrationStatus.PENDING
        assert service.expire_all(NOW + hold) == 0  # nothing left to do; idempotent
        assert mails_to(smtp, 1)[-1]["Subject"].startswith("Platz freigegeben")


def test_late_confirmation_after_expiry_takes_a_free_seat_or_the_list(app, smtp):
    date_id = make_date(app, capacity=1)
    hold = timedelta(hours=app.config["REGISTRATION_HOLD_HOURS"])
    with app.app_context():
        first = service.register(date_id, applicant(1), NOW)
        service.expire_all(NOW + hold)
        late = NOW + hold + timedelta(hours=1)
        outcome = service.confirm(token_from_last_mail(smtp, 1, index=0), late)
        assert outcome.status is RegistrationStatus.CONFIRMED
        assert status_of(first.registration_id) is RegistrationStatus.CONFIRMED


def test_municipality_limit_per_date(app, smtp):
    date_id = make_date(app, capacity=10, limit=2)
    with app.app_context():
        service.register(date_id, applicant(1, town="Flensburg"), NOW)
        service.register(date_id, applicant(2, town="flensburg "), NOW)  # same municipality
        with pytest.raises(DomainError, match="schon 2 Personen angemeldet"):
            service.register(date_id, applicant(3, town="Flensburg"), NOW)
        db.session.rollback()
        count = db.session.execute(sa.select(sa.func.count(Registration.id))).scalar()
        assert count == 2


def test_a_limit_of_one_person_is_named_in_the_singular(app, smtp):
    date_id = make_date(app, capacity=10, limit=1)
    with app.app_context():
        service.register(date_id, applicant(1, town="Flensburg"), NOW)
        with pytest.raises(
            DomainError, match="Aus Ihrer Kommune ist für diesen Termin schon 1 Person angemeldet;"
        ):
            service.register(date_id, applicant(2, town="Flensburg"), NOW)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_before": timedelta(days=20)}, "Anmeldefrist für diesen Termin ist abgelaufen"),
        ({"status": "cancelled"}, "Dieser Termin wurde abgesagt"),
        ({"starts_in": timedelta(days=-1)}, "bereits begonnen"),
    ],
)
def test_closed_dates_refuse_with_a_reason_and_store_nothing(app, smtp, fields, message):
    from startsmart.catalog.models import EventDateStatus

    if "status" in fields:
        fields["status"] = EventDateStatus(fields["status"])
    date_id = make_date(app, **fields)
    with app.app_context():
        with pytest.raises(DomainError, match=message):
            service.register(date_id, applicant(1), NOW)
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar() == 0
        deliver_due()
    assert smtp.received == []


def test_staff_may_add_people_after_the_deadline_without_double_opt_in(app, smtp):
    date_id = make_date(app, closes_before=timedelta(days=20))
    with app.app_context():
        outcome = service.register(date_id, applicant(1), NOW, by_staff=True)
        assert outcome.status is RegistrationStatus.CONFIRMED
        assert mails_to(smtp, 1)[0]["Subject"].startswith("Einladung")


def test_moderated_exchange_needs_the_question(app, smtp):
    date_id = make_date(app, fmt="moderated_exchange")
    with app.app_context():
        with pytest.raises(DomainError, match="Bitte schreiben Sie Ihre Frage"):
            service.register(date_id, applicant(1), NOW)
        db.session.rollback()
        outcome = service.register(
            date_id, applicant(1, question="Wie finanzieren wir eine Datenplattform?"), NOW
        )
        assert db.session.get(Registration, outcome.registration_id).question.startswith("Wie")


def test_new_municipality_needs_its_kind(app, smtp):
    date_id = make_date(app)
    unknown = service.Applicant(
        name="A",
        email="a@neudorf.de",
        function="",
        municipality=MunicipalityInput(name="Neudorf", state=FederalState.BY, kind=None),
    )
    with app.app_context():
        with pytest.raises(DomainError, match="Diese Kommune kennen wir noch nicht"):
            service.register(date_id, unknown, NOW)
