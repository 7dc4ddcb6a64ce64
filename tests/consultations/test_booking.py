"""Booking an initial consultation: slots, the least-loaded advisor, confirmation, invitations
to both parties, reschedule, cancel — against the real database and SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from consultation_support import booking_form, booking_request, make_advisor
from moments import working_day
from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Channel, Consultation, ConsultationStatus
from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due
from startsmart.municipalities.models import FederalState, Municipality, MunicipalityKind
from support import csrf_token, links_in, path_of, submit, text

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def calendars(message) -> list[icalendar.Calendar]:
    return [
        icalendar.Calendar.from_ical(p.get_content())
        for p in message.walk()
        if p.get_content_type() == "text/calendar"
    ]


def test_week_view_lists_free_slots_and_books_through_the_form(app, client, smtp):
    advisor_id = make_advisor(app, "berta@kts.example")
    start = working_day()
    week = text(client.get(f"/initialberatung/?ab={start.date().isoformat()}"))
    assert ">10:00<" in week and ">11:00<" in week  # compact time buttons
    page = f"/initialberatung/buchen?start={start.isoformat()}"
    response = submit(client, page, booking_form(start))
    assert response.status_code == 302, text(response)
    assert "Bitte bestätigen Sie die Buchung" in text(client.get(response.headers["Location"]))
    [mail] = smtp.to("kim@kleinstadt.de")
    confirm = path_of(next(u for u in links_in(mail) if u.endswith("/bestaetigen")))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    with app.app_context():
        consultation = db.session.execute(sa.select(Consultation)).scalar_one()
        assert consultation.status is ConsultationStatus.CONFIRMED
        assert consultation.advisor_id == advisor_id
        assert consultation.municipality.population_class.value == "5k_20k"
    [to_municipality] = calendars(smtp.to("kim@kleinstadt.de")[1])
    [to_advisor] = calendars(smtp.to("berta@kts.example")[0])
    for calendar in (to_municipality, to_advisor):
        event = calendar.walk("VEVENT")[0]
        assert calendar["METHOD"] == "REQUEST"
        assert sorted(str(a) for a in event["ATTENDEE"]) == [
            "mailto:berta@kts.example",
            "mailto:kim@kleinstadt.de",
        ]
        assert str(event["ORGANIZER"]) == "mailto:startsmart@kts.example"
    assert to_municipality.walk("VEVENT")[0]["UID"] == to_advisor.walk("VEVENT")[0]["UID"]
    advisor_mail = smtp.to("berta@kts.example")[0].get_body(("plain",)).get_content()
    assert "Wir haben einen Ratsbeschluss" in advisor_mail


def test_least_loaded_advisor_gets_the_booking_and_ties_rotate(app, smtp):
    first = make_advisor(app, "a@kts.example", name="A")
    second = make_advisor(app, "b@kts.example", name="B")
    now = clock.now()
    with app.app_context():
        one = booking.book(booking_request(working_day(7, 9), 1), now)
        two = booking.book(booking_request(working_day(7, 10), 2), now)
        three = booking.book(booking_request(working_day(8, 9), 3), now)
        assignees = [
            db.session.get(Consultation, b.consultation_id).advisor_id for b in (one, two, three)
        ]
    assert assignees[0] != assignees[1]  # equal load: the other one's turn
    assert set(assignees[:2]) == {first, second}


def test_same_slot_cannot_be_taken_twice(app, smtp):
    make_advisor(app, "a@kts.example")
    start = working_day()
    now = clock.now()
    with app.app_context():
        booking.book(booking_request(start, 1), now)
        with pytest.raises(booking.SlotTaken, match="gerade vergeben"):
            booking.book(booking_request(start, 2), now)
        db.session.rollback()
        with pytest.raises(booking.SlotTaken):  # the buffer protects the next half hour, too
            booking.book(booking_request(start + timedelta(minutes=60), 2), now)
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 1


@pytest.mark.parametrize(
    ("shift", "reason"),
    [
        (lambda s: s.replace(minute=10), "bieten wir nicht an"),  # forged, off the grid
        (
            lambda s: (clock.now() + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0),
            r"nicht \(mehr\) gebucht",
        ),  # within the notice
        (lambda s: s.replace(hour=s.hour + 8), "gerade vergeben"),  # outside the hours
    ],
)
def test_refused_times_give_a_reason_and_book_nothing(app, smtp, shift, reason):
    make_advisor(app, "a@kts.example")
    with app.app_context():
        with pytest.raises(booking.SlotTaken, match=reason):
            booking.book(booking_request(shift(working_day())), clock.now())
        db.session.rollback()
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 0


def test_taken_slot_in_the_form_keeps_the_input_and_offers_fresh_slots(app, client, smtp):
    make_advisor(app, "a@kts.example")
    start = working_day()
    with app.app_context():
        booking.book(booking_request(start, 9), clock.now())
    page = f"/initialberatung/buchen?start={start.isoformat()}"
    response = submit(client, page, booking_form(start, goals="Meine eigene Frage"))
    assert response.status_code == 200
    html = text(response)
    assert "Meine eigene Frage" in html
    assert "gerade vergeben" in html and "Keine gültige Auswahl" not in html
    assert f'value="{start.isoformat()}"' not in html  # the taken slot is no longer offered
    assert f'value="{(start + timedelta(hours=24)).isoformat()}"' in html  # next day's 10:00


@pytest.mark.parametrize(
    "value",
    ["morgen", "2026-13-40T10:00:00+01:00", "2026-12-01T10:00:00", "9999-12-31T23:30:00-14:00"],
)
def test_a_forged_start_is_asked_again_and_books_nothing(app, client, smtp, value):
    make_advisor(app, "a@kts.example")
    form = booking_form(working_day(), goals="Meine eigene Frage")
    response = submit(client, "/initialberatung/buchen", {**form, "starts_at": value})
    assert response.status_code == 200
    html = text(response)
    assert "Bitte wählen Sie einen Termin." in html and "Meine eigene Frage" in html
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 0


def test_model_projects_are_told_kindly_and_one_per_year(app, smtp):
    make_advisor(app, "a@kts.example")
    now = clock.now()
    with app.app_context():
        db.session.add(
            Municipality(
                name="Guben",
                kind=MunicipalityKind.CITY,
                state=FederalState.BB,
                is_model_project=True,
            )
        )
        db.session.commit()
        from startsmart.municipalities.service import MunicipalityInput

        funded = MunicipalityInput("Guben", FederalState.BB)
        with pytest.raises(booking.NotEligible, match="gefördertes Modellprojekt"):
            booking.book(booking_request(working_day(), municipality=funded), now)
        db.session.rollback()
        booking.book(booking_request(working_day(7, 9), 1), now)
        with pytest.raises(booking.NotEligible, match="bereits eine Initialberatung"):
            booking.book(booking_request(working_day(9, 9), 1, email="other@x.de"), now)
        db.session.rollback()
        overridden = booking.book(
            booking_request(working_day(9, 9), 1), now, by_staff=True, override=True
        )
        assert overridden.status is ConsultationStatus.CONFIRMED


def test_reschedule_keeps_the_uid_and_raises_the_sequence_for_both(app, client, smtp):
    make_advisor(app, "a@kts.example")
    start = working_day()
    now = clock.now()
    with app.app_context():
        booked = booking.book(booking_request(start, 1), now, by_staff=True)
        deliver_due()
    manage = path_of(
        next(u for u in links_in(smtp.to("kim1@kleinstadt.de")[0]) if "/beratung/" in u)
    )
    new_start = start + timedelta(days=1)
    page = f"{manage}/verschieben?ab={new_start.date().isoformat()}"
    response = submit(
        client, page, {"starts_at": new_start.isoformat(), "channel": "phone"}, action=page
    )
    assert "brauchen wir Ihre Telefonnummer" in text(response)  # no phone number given
    response = submit(
        client, page, {"starts_at": new_start.isoformat(), "channel": "video"}, action=page
    )
    assert response.status_code == 302
    with app.app_context():
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert consultation.starts_at == new_start
    for address in ("kim1@kleinstadt.de", "a@kts.example"):
        series = [c.walk("VEVENT")[0] for m in smtp.to(address) for c in calendars(m)]
        assert [e["SEQUENCE"] for e in series] == [0, 1]
        assert len({str(e["UID"]) for e in series}) == 1
        assert series[1].decoded("DTSTART").astimezone(UTC) == new_start


def test_reschedule_offers_the_hour_after_itself_and_asks_for_the_number_to_call(app, client, smtp):
    """Its own time and buffer do not block the move: 10:00 can become 11:00 the same day."""
    make_advisor(app, "a@kts.example")
    start = working_day()
    with app.app_context():
        booked = booking.book(booking_request(start, 1), clock.now(), by_staff=True)
        deliver_due()
    manage = path_of(
        next(u for u in links_in(smtp.to("kim1@kleinstadt.de")[0]) if "/beratung/" in u)
    )
    page = f"{manage}/verschieben"
    later = start + timedelta(hours=1)
    html = text(client.get(page))
    assert f'value="{later.isoformat()}"' in html
    assert f'value="{(start + timedelta(minutes=30)).isoformat()}"' in html
    assert 'name="phone"' in html

    response = submit(client, page, {"starts_at": later.isoformat(), "channel": "phone"})
    html = text(response)
    assert "Für ein Telefongespräch brauchen wir Ihre Telefonnummer." in html
    assert "schreiben Sie uns" not in html
    response = submit(
        client, page, {"starts_at": later.isoformat(), "channel": "phone", "phone": "030 123456"}
    )
    assert response.status_code == 302
    with app.app_context():
        consultation = db.session.get(Consultation, booked.consultation_id)
        assert (consultation.starts_at, consultation.channel.value) == (later, "phone")
        assert consultation.phone == "030 123456"


def test_a_channel_the_time_does_not_offer_is_named_not_called_taken(app, client, smtp):
    make_advisor(app, "a@kts.example", channels="video,phone")
    start = working_day()
    with app.app_context():
        with pytest.raises(booking.SlotTaken) as refused:
            booking.book(booking_request(start, 1, channel=Channel.ON_SITE), clock.now())
        db.session.rollback()
        assert refused.value.field == "channel"
    page = f"/initialberatung/buchen?start={start.isoformat()}"
    html = text(submit(client, page, booking_form(start, channel="on_site")))
    assert "Zu diesem Termin ist „vor Ort“ nicht möglich." in html
    # the summary names the field without a "?:" (the label is a question)
    assert "Wie möchten Sie sprechen? – Zu diesem Termin ist" in html and "?:" not in html
    assert "gerade vergeben" not in html
    assert "Wir haben einen Ratsbeschluss" in html  # what was typed stays


def test_reassign_sends_request_to_the_new_and_cancel_to_the_old_advisor(app, smtp):
    old = make_advisor(app, "old@kts.example", name="Alt")
    new = make_advisor(app, "new@kts.example", name="Neu")
    now = clock.now()
    start = working_day()
    with app.app_context():
        booked = booking.book(booking_request(start, 1), now, by_staff=True)
        consultation = db.session.get(Consultation, booked.consultation_id)
        current, other = (old, new) if consultation.advisor_id == old else (new, old)
        from startsmart.staff.models import StaffUser

        actor = db.session.get(StaffUser, current)
        booking.reassign(booked.consultation_id, other, actor, now)
        deliver_due()
        addresses = {old: "old@kts.example", new: "new@kts.example"}
    removed = [c for m in smtp.to(addresses[current]) for c in calendars(m)]
    added = [c for m in smtp.to(addresses[other]) for c in calendars(m)]
    assert [str(c["METHOD"]) for c in removed] == ["REQUEST", "CANCEL"]
    assert [str(c["METHOD"]) for c in added] == ["REQUEST"]
    assert added[0].walk("VEVENT")[0]["SEQUENCE"] == 1


def test_cancel_sends_cancel_to_both(app, client, smtp):
    make_advisor(app, "a@kts.example")
    with app.app_context():
        booking.book(booking_request(working_day(), 1), clock.now(), by_staff=True)
        deliver_due()
    manage = path_of(
        next(u for u in links_in(smtp.to("kim1@kleinstadt.de")[0]) if "/beratung/" in u)
    )
    page = f"{manage}/absagen"
    assert (
        client.post(
            page, data={"csrf_token": csrf_token(client, page), "reason": "Krankheit"}
        ).status_code
        == 302
    )
    for address in ("kim1@kleinstadt.de", "a@kts.example"):
        last = calendars(smtp.to(address)[-1])[0]
        assert last["METHOD"] == "CANCEL"
        assert last.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_the_confirm_link_offers_no_button_once_there_is_nothing_to_confirm(app, client, smtp):
    make_advisor(app, "a@kts.example")
    start = working_day()
    submit(client, f"/initialberatung/buchen?start={start.isoformat()}", booking_form(start))
    [mail] = smtp.to("kim@kleinstadt.de")
    confirm = path_of(next(u for u in links_in(mail) if u.endswith("/bestaetigen")))
    assert "Ja, ich bestätige die Initialberatung" in text(client.get(confirm))
    client.post(confirm, data={"csrf_token": csrf_token(client, confirm)})
    again = text(client.get(confirm))
    assert "Ihre Initialberatung ist bereits bestätigt." in again
    assert "Ja, ich bestätige" not in again
    cancel = confirm.removesuffix("/bestaetigen") + "/absagen"
    client.post(cancel, data={"csrf_token": csrf_token(client, cancel), "reason": "Krankheit"})
    after = text(client.get(confirm))
    assert "Diese Beratung wurde abgesagt." in after and "Ja, ich bestätige" not in after


def test_dst_day_slots_are_real_instants(app, smtp):
    make_advisor(app, "a@kts.example", hours=[(6, "01:00", "04:00")])  # Sundays, at night
    with app.app_context():
        from startsmart.consultations import schedule

        now = datetime(2026, 10, 1, 8, tzinfo=UTC)
        day = datetime(2026, 10, 25, tzinfo=UTC)
        slots = schedule.free(now, day - timedelta(hours=2), day + timedelta(hours=22))
    starts = [s.starts_at for s in slots]
    assert len(starts) == len(set(starts))
    # 01:00–04:00 Berlin on the day the clocks go back is four real hours: seven 60-minute
    # slots on the 30-minute grid (the day limit of 3 only counts bookings).
    assert len(starts) == 7


def test_forged_or_expired_link_is_gone(client):
    assert client.get("/beratung/nicht-echt").status_code == 410
    assert client.get("/beratung/nicht-echt/verschieben").status_code == 410


def test_domain_error_is_not_a_500(app, client, smtp):
    make_advisor(app, "a@kts.example")
    page = "/initialberatung/buchen"
    response = submit(client, page, booking_form(working_day(), starts_at="kaputt"))
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben" in text(response)
    assert "Bitte wählen Sie einen Termin." in text(response)
