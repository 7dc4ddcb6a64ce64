"""The survey after a date or consultation: one mail to each participant who attended, some
hours after the end; answered once by its link; stored without the person."""

from __future__ import annotations

import re
import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from outbox_support import deliver_at
from startsmart import clock
from startsmart.catalog.models import EventDate
from startsmart.catalog.staff_dates import Deadline
from startsmart.clock import berlin_today
from startsmart.conferences import service as conferences
from startsmart.consultations import booking, schedule
from startsmart.consultations.models import Consultation
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.feedback import questions, results, sending, survey
from startsmart.feedback.models import (
    FeedbackInvitation,
    FeedbackRating,
    FeedbackResponse,
)
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState, Person
from startsmart.registrations import service, staff_service
from startsmart.registrations.models import Attendance, Registration
from startsmart.staff.models import Role, StaffUser
from support import csrf_token, login, make_date, make_staff, submit, text, town_applicant

pytestmark = pytest.mark.time_sensitive

SURVEY_LINK = re.compile(r"https://startsmart\.test(/rueckmeldung/[A-Za-z0-9_-]+)")


def survey_mails() -> list[OutboxMessage]:
    return list(
        db.session.execute(
            sa.select(OutboxMessage).where(OutboxMessage.kind == sending.TEMPLATE)
        ).scalars()
    )


def held_date(app, people: int = 5):
    """A date that began an hour ago with ``people`` confirmed registrations; returns the
    date id, the registration ids and the date's end."""
    date_id = make_date(app, capacity=30, starts_in=timedelta(hours=-1), closes_before=None)
    now = clock.now() - timedelta(days=2)  # registered before the date
    with app.app_context():
        ids = [
            service.register(
                date_id, town_applicant(n, FederalState.SH), now, by_staff=True
            ).registration_id
            for n in range(people)
        ]
        ends_at = db.session.get_one(Registration, ids[0]).event_date.ends_at
    return date_id, ids, ends_at


def mark(app, date_id: int, marks: dict[int, Attendance | None]) -> None:
    """The event team records attendance (as on the date's attendance page)."""
    with app.app_context():
        found = db.session.execute(
            sa.select(StaffUser.id).where(StaffUser.email == "erfasst@kts.example")
        ).scalar_one_or_none()
        db.session.commit()
    team_id = found or make_staff(app, email="erfasst@kts.example", role=Role.EVENT_TEAM)
    with app.app_context():
        team = db.session.get_one(StaffUser, team_id)
        staff_service.record_attendance(date_id, marks, team, clock.now())


def survey_path(smtp, address: str) -> str:
    [mail] = [m for m in smtp.to(address) if "Rückmeldung" in m["Subject"]]
    match = SURVEY_LINK.search(mail.get_body(("plain",)).get_content())
    assert match, "the survey link is in the mail"
    return match.group(1)


def test_the_mail_goes_once_to_attended_participants_after_the_delay(app, smtp):
    date_id, (came, stayed_away, unknown, bounced, cancelled), ends = held_date(app)
    with app.app_context():
        service.withdraw(cancelled, clock.now() - timedelta(days=1))  # cancelled before
        db.session.commit()
    mark(
        app,
        date_id,
        {
            came: Attendance.ATTENDED,
            stayed_away: Attendance.NO_SHOW,
            unknown: None,
            bounced: Attendance.ATTENDED,
        },
    )
    with app.app_context():
        person = db.session.get_one(Registration, bounced).person
        person.undeliverable_at = clock.now()
        db.session.commit()
        assert sending.send_due(ends + timedelta(hours=1, minutes=59)) == 0  # not yet
        assert sending.send_due(ends + timedelta(hours=2, minutes=1)) == 1
        assert sending.send_due(ends + timedelta(hours=3)) == 0  # never twice
        assert sending.send_due(ends + timedelta(days=2)) == 0
        [mail] = survey_mails()
        came_address = db.session.get_one(Registration, came).person.email
        assert mail.recipient == came_address
        deliver_at(ends + timedelta(hours=2, minutes=2))
    assert survey_path(smtp, came_address).startswith("/rueckmeldung/")


def test_nothing_for_dates_that_ended_too_long_ago(app, smtp):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    with app.app_context():
        assert sending.send_due(ends + timedelta(days=14, minutes=1)) == 0
        assert survey_mails() == []


def test_parallel_runs_queue_each_mail_once(app):
    date_id, ids, ends = held_date(app, people=12)
    mark(app, date_id, dict.fromkeys(ids, Attendance.ATTENDED))
    due = ends + timedelta(hours=3)
    counts: list[int] = []

    def run() -> None:
        with app.app_context():
            counts.append(sending.send_due(due))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 12
    with app.app_context():
        assert len(survey_mails()) == 12
        assert db.session.execute(sa.select(sa.func.count(FeedbackInvitation.id))).scalar() == 12


def test_the_cli_command_sends_what_is_due(app, runner, travel):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    travel.move_to(ends + timedelta(hours=2, minutes=5))
    result = runner.invoke(args=["feedback", "send"])
    assert result.exit_code == 0, result.output
    assert "queued 1 feedback survey(s)" in result.output
    assert "queued 0" in runner.invoke(args=["feedback", "send"]).output


def held_consultation(app) -> tuple[int, object]:
    make_advisor(app, "beraterin@kts.example")
    now = clock.now()
    with app.app_context():
        free = [s for s in schedule.free(now + timedelta(days=3)) if s.channels]
        booked = booking.book(booking_request(free[0].starts_at, 7), now, by_staff=True)
        ends = db.session.get_one(Consultation, booked.consultation_id).ends_at
    return booked.consultation_id, ends


def test_a_held_consultation_gets_the_survey_a_cancelled_one_not(app, smtp):
    consultation_id, ends = held_consultation(app)
    with app.app_context():
        assert sending.send_due(ends - timedelta(minutes=5)) == 0  # not held yet
        assert sending.send_due(ends + timedelta(hours=2, minutes=1)) == 1
        assert sending.send_due(ends + timedelta(hours=4)) == 0
        invitation = db.session.execute(sa.select(FeedbackInvitation)).scalar_one()
        assert invitation.consultation_id == consultation_id
        assert invitation.subject_kind == "consultation"


def answer_page(client, path: str, **values):
    return submit(client, path, values)


def test_answered_once_and_anonymously(app, client, smtp, travel):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        address = db.session.get_one(Registration, came).person.email
        deliver_at(moment)
        asked = questions.active()
    path = survey_path(smtp, address)
    travel.move_to(moment + timedelta(days=1))
    page = client.get(path)
    assert page.status_code == 200
    html = text(page)
    assert "<fieldset" in html and "<legend>Wie hilfreich war der Termin für Ihre Arbeit?" in html
    assert 'maxlength="2000"' in html
    values = {f"q{q.id}": str(n) for q, n in zip(asked, (5, 4, 3), strict=True)}
    form_token = csrf_token(client, path)
    sent = answer_page(client, path, comment="Sehr praxisnah, danke!", **values)
    assert sent.status_code == 302
    assert "Vielen Dank" in text(client.get(sent.headers["Location"]))
    # A second visit and a second answer: thanks, nothing stored.
    assert "bereits beantwortet" in text(client.get(path))
    again = client.post(path, data={**values, "comment": "Noch einmal", "csrf_token": form_token})
    assert "bereits beantwortet" in text(again)
    with app.app_context():
        [response] = db.session.execute(sa.select(FeedbackResponse)).scalars()
        assert response.comment == "Sehr praxisnah, danke!"
        assert response.subject_id == date_id
        assert response.answered_on == clock.berlin_today(moment + timedelta(days=1))
        assert sorted(r.value for r in response.ratings) == [3, 4, 5]
        assert db.session.execute(sa.select(FeedbackInvitation)).scalar_one().answered


def test_answers_have_no_link_to_the_person():
    for table in (FeedbackResponse.__table__, FeedbackRating.__table__):
        columns = {c.name for c in table.columns}
        assert not columns & {
            "person_id",
            "registration_id",
            "consultation_id",
            "invitation_id",
            "email",
            "name",
            "created_at",
            "answered_at",
        }, table.name
        assert all(
            fk.column.table.name in {"offering", "feedback_response", "feedback_question"}
            for fk in table.foreign_keys
        ), table.name
    # Who was asked names no person either: only the registration or consultation, which the
    # privacy purge anonymises; and it holds no answer.
    invitation = {c.name for c in FeedbackInvitation.__table__.columns}
    assert "person_id" not in invitation and "comment" not in invitation


def test_unknown_or_expired_link_is_gone(app, client, smtp, travel):
    assert client.get("/rueckmeldung/unbekannt").status_code == 410
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        address = db.session.get_one(Registration, came).person.email
        deliver_at(moment)
    path = survey_path(smtp, address)
    travel.move_to(moment + timedelta(days=31))
    assert client.get(path).status_code == 410


def test_bad_values_are_refused_at_the_field(app, client, smtp, travel):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        address = db.session.get_one(Registration, came).person.email
        deliver_at(moment)
        first = questions.active()[0]
    path = survey_path(smtp, address)
    travel.move_to(moment + timedelta(minutes=5))
    nothing = answer_page(client, path, comment="")
    assert nothing.status_code == 200 and "mindestens eine Frage" in text(nothing)
    wrong = answer_page(client, path, comment="Behalten", **{f"q{first.id}": "9"})
    assert wrong.status_code == 200
    assert "Wert von 1 bis 5" in text(wrong) and "Behalten" in text(wrong)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(FeedbackResponse.id))).scalar() == 0


def test_english_survey_page(app, client, smtp, travel):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        address = db.session.get_one(Registration, came).person.email
        deliver_at(moment)
    path = survey_path(smtp, address)
    travel.move_to(moment + timedelta(minutes=5))
    client.get("/sprache/en?next=/")
    html = text(client.get(path))
    assert "How helpful was the session for your work?" in html
    assert "Wie hilfreich war" not in html


def seeded_answers(app, values: list[tuple[int, int, int]], comments: list[str]):
    """A date whose participants all attended and answered ``values`` (one triple each)."""
    date_id, ids, ends = held_date(app, people=len(values) + 1)  # one does not answer
    mark(app, date_id, dict.fromkeys(ids, Attendance.ATTENDED))
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        asked = [q.id for q in questions.active()]
        invitations = (
            db.session.execute(sa.select(FeedbackInvitation.id).order_by(FeedbackInvitation.id))
            .scalars()
            .all()
        )
        for invitation_id, triple, comment in zip(invitations, values, comments, strict=False):
            survey.answer(invitation_id, dict(zip(asked, triple, strict=True)), comment, moment)
    return date_id, asked


def test_staff_see_figures_per_date_and_offering(app, client):
    date_id, asked = seeded_answers(
        app, [(5, 4, 5), (3, 4, 5), (4, 1, 2)], ["Gut organisiert", "", "Zu kurz"]
    )
    with app.app_context():
        found = results.for_date(date_id)
        figures = found.figures
        assert (figures.invited, figures.answered) == (4, 3)
        assert figures.response_rate == 0.75
        first, second, third = figures.questions[:3]
        assert first.mean == 4.0 and first.distribution == (0, 0, 1, 1, 1)
        assert second.mean == 3.0 and second.distribution == (1, 0, 0, 2, 0)
        assert third.mean == 4.0 and third.distribution == (0, 1, 0, 0, 2)
        assert figures.comments == ("Gut organisiert", "Zu kurz")
        offering_id = db.session.get_one(EventDate, date_id).offering_id
        assert results.for_offering(offering_id).figures == figures
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get(f"/staff/rueckmeldungen/termine/{date_id}"))
    assert "75 %" in page and "Gut organisiert" in page and "4,0" in page
    assert "Kim" not in page
    overview = text(client.get("/staff/rueckmeldungen/"))
    assert f"/staff/rueckmeldungen/angebote/{offering_id}" in overview
    assert "Zu kurz" in text(client.get(f"/staff/rueckmeldungen/angebote/{offering_id}"))


def test_small_groups_show_counts_only(app, client):
    date_id, _asked = seeded_answers(app, [(5, 5, 5), (1, 1, 1)], ["Nur wir zwei", "Hm"])
    with app.app_context():
        figures = results.for_date(date_id).figures
        assert (figures.invited, figures.answered) == (3, 2)
        assert figures.questions == () and figures.comments == ()
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = text(client.get(f"/staff/rueckmeldungen/termine/{date_id}"))
    assert "Nur wir zwei" not in page and "ab 3 Antworten" in page


def test_advisors_do_not_see_the_results(app, client):
    make_staff(app, email="berater@kts.example", role=Role.ADVISOR)
    login(client, "berater@kts.example")
    assert client.get("/staff/rueckmeldungen/").status_code == 403
    assert client.get("/staff/rueckmeldungen/fragen").status_code == 403


def test_a_changed_question_with_answers_becomes_a_new_one(app, client):
    date_id, asked = seeded_answers(app, [(5, 4, 5), (3, 4, 5), (4, 1, 2)], ["", "", ""])
    make_staff(app, email="team@kts.example", role=Role.EVENT_TEAM)
    login(client, "team@kts.example")
    page = f"/staff/rueckmeldungen/fragen/{asked[0]}"
    sent = submit(
        client,
        page,
        {
            "text_de": "Wie nützlich war der Termin?",
            "text_en": "How useful was the session?",
            "position": "1",
            "active": "y",
        },
    )
    assert sent.status_code == 302
    with app.app_context():
        now_asked = questions.active()
        assert asked[0] not in [q.id for q in now_asked]
        assert now_asked[0].text_de == "Wie nützlich war der Termin?"
        found = results.for_date(date_id)
        # The old answers stay with their old wording.
        old = found.questions[asked[0]]
        assert old.text_de == "Wie hilfreich war der Termin für Ihre Arbeit?" and not old.active
    added = submit(
        client,
        "/staff/rueckmeldungen/fragen",
        {
            "text_de": "Wie war die Technik?",
            "text_en": "How was the tech?",
            "position": "4",
            "active": "y",
        },
    )
    assert added.status_code == 302
    with app.app_context():
        assert [q.text_de for q in questions.active()][-1] == "Wie war die Technik?"


def test_anonymised_and_deleted_people_get_no_mail_and_answers_stay(app):
    date_id, (came, other), ends = held_date(app, people=2)
    mark(app, date_id, {came: Attendance.ATTENDED, other: Attendance.ATTENDED})
    with app.app_context():
        registration = db.session.get_one(Registration, other)
        registration.person_id = None  # anonymised
        db.session.commit()
        assert sending.send_due(ends + timedelta(hours=3)) == 1
        [mail] = survey_mails()
        assert mail.recipient == db.session.get_one(Registration, came).person.email
        assert db.session.execute(sa.select(Person)).scalars().all()


def test_the_service_refuses_a_second_answer_without_storing_it(app):
    date_id, (came,), ends = held_date(app, people=1)
    mark(app, date_id, {came: Attendance.ATTENDED})
    moment = ends + timedelta(hours=3)
    with app.app_context():
        sending.send_due(moment)
        invitation_id = db.session.execute(sa.select(FeedbackInvitation.id)).scalar_one()
        first = questions.active()[0].id
        survey.answer(invitation_id, {first: 4}, "Erste Antwort", moment)
        with pytest.raises(DomainError, match="bereits beantwortet"):
            survey.answer(invitation_id, {first: 1}, "Zweite Antwort", moment)
        assert db.session.execute(sa.select(FeedbackResponse.comment)).scalars().all() == [
            "Erste Antwort"
        ]


def test_a_conference_survey_names_the_conference(app, smtp):
    team_id = make_staff(app, email="konferenz@kts.example", role=Role.EVENT_TEAM)
    now = clock.now()
    with app.app_context():
        team = db.session.get_one(StaffUser, team_id)
        conference = conferences.create_conference(
            conferences.ConferenceInput(
                title="Regionalkonferenz Nord",
                day=berlin_today(now) + timedelta(days=5),
                starts=time(9),
                ends=time(17),
                city="Flensburg",
                venue="Deutsches Haus",
                description="Fachimpulse und Beratung.",
                capacity=100,
                deadline=Deadline(),
            ),
            team,
            now,
        )
        date = db.session.execute(
            sa.select(EventDate).where(EventDate.conference_id == conference.id)
        ).scalar_one()
        came = service.register(
            date.id, town_applicant(1, FederalState.SH), now, by_staff=True
        ).registration_id
        staff_service.record_attendance(
            date.id, {came: Attendance.ATTENDED}, team, date.starts_at + timedelta(hours=1)
        )
        ends = date.ends_at
        assert sending.send_due(ends + timedelta(hours=2, minutes=1)) == 1
        invitation = db.session.execute(sa.select(FeedbackInvitation)).scalar_one()
        assert (invitation.subject_kind, invitation.subject_id) == ("event_date", date.id)
        address = db.session.get_one(Registration, came).person.email
        deliver_at(ends + timedelta(hours=2, minutes=2))
    [mail] = [m for m in smtp.to(address) if "Rückmeldung" in m["Subject"]]
    assert "Regionalkonferenz Nord" in mail["Subject"]
