"""Twenty municipalities click the same free slot at the same moment: exactly one gets it."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from consultation_support import booking_request, make_advisor
from moments import working_day
from startsmart import clock
from startsmart.consultations import booking
from startsmart.consultations.models import Consultation
from startsmart.extensions import db

pytestmark = pytest.mark.time_sensitive  # also run at every moment of tests/moments.py


def test_twenty_parallel_bookings_of_one_slot_give_one_booking(app, smtp):
    make_advisor(app, "only@kts.example")
    start = working_day(7)
    now = clock.now()
    barrier = threading.Barrier(20)
    outcomes: list = [None] * 20

    def run(number: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[number] = booking.book(booking_request(start, number), now)
            except Exception as error:  # checked below: only SlotTaken is acceptable
                db.session.rollback()
                outcomes[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    booked = [o for o in outcomes if isinstance(o, booking.Booked)]
    refused = [o for o in outcomes if isinstance(o, booking.SlotTaken)]
    assert len(booked) == 1 and len(refused) == 19, outcomes
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(Consultation.id))).scalar() == 1
