"""Running the speed-dating: start, pause, resume, next round, back, finish.

The steps themselves are ``round_clock``'s (pure); this stores the result, raises the session's
version and commits. A form may say what state it showed (``expected``): if the session has
moved on since (a second click, another screen), nothing happens, so a double click never
skips a round.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.speed_dating import round_clock
from startsmart.speed_dating.models import RunStatus, SpeedDatingSession
from startsmart.speed_dating.planning import current_plan, run_state, timing
from startsmart.speed_dating.service import locked_session
from startsmart.staff.models import StaffUser

Step = Callable[[round_clock.RunState, round_clock.Timing, datetime], round_clock.RunState]

STEPS: dict[str, Step] = {
    "start": round_clock.start,
    "pause": round_clock.pause,
    "resume": round_clock.resume,
    "next": round_clock.next_round,
    "back": round_clock.previous_round,
    "finish": round_clock.finish,
}
# Worth a line in the audit log; pauses and round changes happen every few minutes.
AUDITED = {"start", "finish"}


def _message(reason: str) -> str:
    return {
        "already_started": _("Das Speed-Dating läuft schon."),
        "no_rounds": _("Es gibt noch keinen Plan. Bitte erstellen Sie zuerst einen Plan."),
        "not_running": _("Das Speed-Dating läuft gerade nicht."),
        "not_paused": _("Das Speed-Dating ist nicht angehalten."),
        "over": _("Die letzte Runde ist vorbei. Beenden Sie das Speed-Dating."),
        "last_round": _("Das ist die letzte Runde."),
        "finished": _("Das Speed-Dating ist beendet."),
    }.get(reason, _("Dieser Schritt ist gerade nicht möglich."))


def rounds_in_plan(session: SpeedDatingSession) -> int:
    plan = current_plan(session.id)
    return len(plan.plan["rounds"]) if plan else 0


def position(session: SpeedDatingSession, now: datetime) -> round_clock.Position:
    """Where the session stands now (round, phase, seconds left)."""
    return round_clock.position(run_state(session), timing(session, rounds_in_plan(session)), now)


def control(
    conference_id: int,
    action: str,
    actor: StaffUser,
    now: datetime,
    expected: tuple[str, int] | None = None,
) -> tuple[round_clock.Position, bool]:
    """Apply ``action`` (one of ``STEPS``). ``expected`` is (status, round) as the page showed
    them. Returns the position afterwards and whether anything changed."""
    step = STEPS.get(action)
    if step is None:
        raise DomainError(_("Dieser Schritt ist gerade nicht möglich."))
    session = locked_session(conference_id)
    clock = timing(session, rounds_in_plan(session))
    state = run_state(session)
    before = round_clock.position(state, clock, now)
    if expected is not None and expected != (before.status, before.round):
        db.session.commit()
        return before, False
    try:
        after = step(state, clock, now)
    except round_clock.ClockError as error:
        raise DomainError(_message(error.reason)) from None
    session.status = RunStatus(after.status)
    session.current_round = after.current_round
    session.round_started_at = after.round_started_at
    session.paused_remaining_seconds = after.paused_remaining
    if after.status == round_clock.FINISHED:
        session.finished_at = now
    session.touch(now)
    if action in AUDITED:
        audit.record(
            "speed_dating.run",
            actor,
            now,
            subject=f"speed_dating_session:{session.id}",
            step=action,
            round=after.current_round,
        )
    db.session.commit()
    return round_clock.position(after, clock, now), True
