"""The next sensible step with a Kommune: the pure rules, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from startsmart.municipalities.next_step import (
    SETTLE_DAYS,
    HeldConsultation,
    History,
    Step,
    Suggestion,
    next_step,
)

NOW = datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_nothing_yet_suggests_nothing():
    assert next_step(History(is_model_project=False), NOW) is None


def test_an_online_introduction_months_ago_without_a_consultation_suggests_offering_one():
    intro = NOW - 90 * DAY
    history = History(False, introductions_attended=(intro, NOW - 200 * DAY))
    assert next_step(history, NOW) == Suggestion(Step.OFFER_CONSULTATION, intro)


def test_a_recent_introduction_leaves_time_to_book_by_themselves():
    history = History(False, introductions_attended=(NOW - (SETTLE_DAYS - 1) * DAY,))
    assert next_step(history, NOW) is None
    history = History(False, introductions_attended=(NOW - SETTLE_DAYS * DAY,))
    assert next_step(history, NOW).step is Step.OFFER_CONSULTATION


def test_a_consultation_booked_after_the_introduction_is_the_step_already():
    intro = NOW - 90 * DAY
    assert next_step(History(False, (intro,), consultations_booked=(intro + DAY,)), NOW) is None
    # One booked before the introduction does not count: they came back to learn more.
    before = History(False, (intro,), consultations_booked=(intro - DAY,))
    assert next_step(before, NOW).step is Step.OFFER_CONSULTATION


def test_an_introduction_still_ahead_is_no_reason():
    assert next_step(History(False, (NOW + 5 * DAY,)), NOW) is None


def test_a_held_consultation_without_follow_up_comes_first_the_oldest_one():
    held = (
        HeldConsultation(7, NOW - 3 * DAY, follow_up_sent=False),
        HeldConsultation(8, NOW - 10 * DAY, follow_up_sent=False),
        HeldConsultation(9, NOW - 20 * DAY, follow_up_sent=True),
    )
    history = History(True, (NOW - 90 * DAY,), held=held)
    assert next_step(history, NOW) == Suggestion(Step.SEND_FOLLOW_UP, NOW - 10 * DAY, 8)


def test_a_follow_up_sent_is_done():
    held = (HeldConsultation(7, NOW - 3 * DAY, follow_up_sent=True),)
    assert next_step(History(False, held=held), NOW) is None


def test_a_model_project_is_pointed_to_the_exchanges():
    assert next_step(History(True), NOW) == Suggestion(Step.POINT_TO_EXCHANGES)
    # Even after an introduction long ago: its advice comes from its own programme.
    assert next_step(History(True, (NOW - 90 * DAY,)), NOW).step is Step.POINT_TO_EXCHANGES
