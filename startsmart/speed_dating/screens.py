"""What the live screens show: the presenter's seating, the phone's headline (pure: stdlib only).

Each function reads the answers of ``payloads`` (the JSON the screens poll) and ``round_clock``'s
position in that JSON form. The browser scripts (static/js/speed-live.js) do the same with the
clock moved on locally; a test runs both on the same cases. These give a page its first state,
and a page without JavaScript its only one.
"""

from __future__ import annotations

import re
from typing import Any

from startsmart.speed_dating import round_clock


def seating_round(clock: dict[str, Any]) -> int | None:
    """The round whose seating the presenter shows: round 1 before the start; while a round
    runs, the next one (people look up where to go next, and in the changeover go there); in
    the last round, that one; none once the time is up or without a plan."""
    if clock["phase"] == round_clock.OVER:
        return None
    return clock["next_round"] or clock["round"] or None


def seating_label(clock: dict[str, Any], number: int | None) -> str:
    """Which heading the seating gets: while round n is talked in (or paused), the seating of
    n + 1 on screen is the next one, and says so; before the start and in the changeover it is
    where to sit now."""
    upcoming = bool(clock["round"]) and number != clock["round"]
    return "seating_next" if upcoming and clock["phase"] == round_clock.TALKING else "seating"


def seating(answer: dict[str, Any], number: int | None) -> dict[str, Any] | None:
    """Who sits where in round ``number``, from ``staff_payload``'s full answer: the tables in
    order with names and municipalities (``host``: a staff host sits there too), and who
    sits this round out."""
    found = next((r for r in answer.get("rounds", []) if r["number"] == number), None)
    if found is None:
        return None
    host_id = answer["host_id"]
    names = {p["id"]: p for p in answer["participants"]}

    def person(member_id: int) -> dict[str, str]:
        known = names.get(member_id, {"name": "?", "municipality": ""})
        return {"name": known["name"], "municipality": known["municipality"]}

    tables = [
        {
            "table": table["number"],
            "people": [person(m) for m in table["members"] if m != host_id],
            "host": host_id in table["members"],
        }
        for table in sorted(found["tables"], key=lambda t: t["number"])
    ]
    waiting = [person(m) for m in found["sitting_out"] if m != host_id]
    return {"round": number, "tables": tables, "sitting_out": waiting}


def seat_state(number: int, clock: dict[str, Any]) -> str:
    """How round ``number`` of a personal schedule stands at this moment: past, now, next,
    later, or dropped (the speed-dating was finished before it)."""
    status, current, phase = clock["status"], clock["round"], clock["phase"]
    if status == round_clock.NOT_STARTED:
        return "next" if number == clock["next_round"] else "later"
    if phase == round_clock.OVER:
        return "past" if number <= current else "dropped"
    if number < current or (number == current and phase == round_clock.CHANGEOVER):
        return "past"
    if number == current:
        return "now"
    return "next" if number == clock["next_round"] else "later"


def phone_focus(view: dict[str, Any]) -> dict[str, Any]:
    """What the phone shows big at the top, from ``participant_payload``'s full answer.

    The seat in the round under way; in the changeover the next round's (where to go now);
    before the start, round 1's. ``kind``: seat, sitting_out, absent (in the plan, but not in
    that round; ``later`` is their next seat, if any), not_in_plan, no_plan (none made yet),
    over (the last round's time is up) or finished.
    """
    clock = view["clock"]
    if clock["status"] == round_clock.FINISHED:
        return {"kind": "finished"}
    if clock["phase"] == round_clock.OVER and view["plan_version"] is not None:
        return {"kind": "over"}
    if not view["in_plan"]:
        return {"kind": "not_in_plan" if view["plan_version"] is not None else "no_plan"}
    if clock["status"] == round_clock.NOT_STARTED or clock["phase"] == round_clock.CHANGEOVER:
        number = clock["next_round"]
    else:
        number = clock["round"]
    if number is None:  # a plan without rounds
        return {"kind": "no_plan"}
    seat = next((s for s in view["schedule"] if s["round"] == number), None)
    if seat is None:
        later = next((s for s in view["schedule"] if s["round"] > number), None)
        return {"kind": "absent", "round": number, "seat": None, "later": later}
    kind = "sitting_out" if seat["sitting_out"] else "seat"
    return {"kind": kind, "round": number, "seat": seat, "later": None}


# -- words: the templates come translated from the view; {name} marks what is filled in ----------


def countdown(seconds: int) -> str:
    """Seconds as the screens show them: 2:05."""
    seconds = max(seconds, 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def fill(template: str, **values: Any) -> str:
    """``template`` with each ``{key}`` replaced (the browser's ``SpeedLive.fill``)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], template)


def partners_text(seat: dict[str, Any], texts: dict[str, str]) -> str:
    """ "Anna Beispiel (Kiel) und Ben Muster (Lübeck)", with the host named as the team."""
    names = [
        f"{p['name']} ({p['municipality']})" if p["municipality"] else p["name"]
        for p in seat["partners"]
    ]
    if seat["with_host"]:
        names.append(texts["host"])
    if len(names) < 2:
        return "".join(names)
    return fill(texts["and"], first=", ".join(names[:-1]), last=names[-1])


def phone_headline(focus: dict[str, Any], texts: dict[str, str]) -> tuple[str, str]:
    """The phone's headline ("Runde 3 · Tisch 7 · mit …") and the sentence under it."""
    kind = focus["kind"]
    if kind == "seat":
        seat = focus["seat"]
        partners = partners_text(seat, texts)
        key = "headline_seat" if partners else "headline_table"
        return fill(texts[key], round=focus["round"], table=seat["table"], partners=partners), ""
    if kind == "sitting_out":
        return fill(texts["headline_sitting_out"], round=focus["round"]), texts["lead_sitting_out"]
    if kind == "absent":
        later = focus["later"]
        lead = (
            fill(texts["lead_absent_later"], round=later["round"])
            if later
            else texts["lead_absent_none"]
        )
        return fill(texts["headline_absent"], round=focus["round"]), lead
    return texts[f"headline_{kind}"], texts[f"lead_{kind}"]


def presenter_phase(clock: dict[str, Any]) -> str:
    """Which words the presenter shows over the countdown: waiting, talking, changeover,
    paused, over or finished."""
    if clock["status"] == round_clock.FINISHED:
        return "finished"
    if clock["phase"] == round_clock.OVER:
        return "over"
    if clock["status"] == round_clock.PAUSED:
        return "paused"
    return clock["phase"]
