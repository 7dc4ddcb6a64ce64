"""The host's turns across rounds of pairs: repair the rounds that cornered the person due out.

Internal to the planner (indices, not ids). Round by round, the host's partner is the best placed
of those a round with as many pairs and no more colleague pairs can leave out
(``colleagues.free_seat_for_host``). Late in a plan where most pairs have met, earlier rounds
can leave the person due out (fewest host turns, not last round's) without such a round: the
people left would need a pair they already used. This module then plans the last rounds again
by an exact search: every round keeps as many pairs as possible and the fewest colleague pairs
any round could have after the rounds before it, the rounds together hold no more colleague
pairs than before, and the host's partner is always due. It starts at the broken round and goes
back one round at a time while its budget lasts; without a repair the rounds stay as they were.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence

from startsmart.speed_dating.planner.colleagues import colleague_pairs, fewest_colleagues
from startsmart.speed_dating.planner.pairs import augment
from startsmart.speed_dating.planner.state import HOST, PlanState

BUDGET = 2_000  # tables tried by the search over all starting rounds at most
DEPTH = 6  # rounds before the broken one where the search may start at most

Tables = list[list[int]]
Built = list[tuple[Tables, list[int]]]


def due(state: PlanState, present: Sequence[int]) -> list[int]:
    """Who may sit with the host next: the fewest turns so far, and not last round's partner."""
    fewest = min(state.host_rounds[u] for u in present)
    ready = [u for u in present if state.host_rounds[u] == fewest]
    return [u for u in ready if u not in state.last_host] or ready


def first_broken(replay: Callable[[int], PlanState], built: Built, present: Sequence[int]) -> int:
    """The first built round whose host partner was not due (``len(built)`` if none)."""
    state = replay(0)
    for step, (tables, waiting) in enumerate(built):
        partner = next((p for t in tables if HOST in t for p in t if p != HOST), None)
        if partner is not None and partner not in due(state, present):
            return step
        state.record(tables, waiting)
    return len(built)


def repair(
    replay: Callable[[int], PlanState],
    built: Built,
    present: Sequence[int],
    broken: int,
    seed: int,
) -> Built | None:
    """``built`` with its rounds from some step on planned again in turn, or None.

    ``replay(k)`` is the state after the kept rounds and the first k built ones. Only rounds in
    which everyone present sits at a table (the odd one with the host) are planned again.
    """
    if len(present) % 2 == 0 or any(waiting for _, waiting in built):
        return None
    steps = [0]
    for start in range(broken, max(broken - DEPTH, 0) - 1, -1):
        state = replay(start)
        budget = sum(colleague_pairs(_pairs_of(t), state) for t, _ in built[start:])
        rng = random.Random(seed)
        found = _search(state, list(present), len(built) - start, budget, rng, steps)
        if found is not None:
            return built[:start] + [(tables, []) for tables in found]
        if steps[0] > BUDGET:
            break
    return None


def _pairs_of(tables: Tables) -> list[tuple[int, int]]:
    return [(t[0], t[1]) for t in tables if HOST not in t and len(t) == 2]


def _search(
    state: PlanState,
    present: list[int],
    rounds: int,
    budget: int,
    rng: random.Random,
    steps: list[int],
) -> list[Tables] | None:
    """``rounds`` rounds in turn from ``state`` with at most ``budget`` colleague pairs."""
    if rounds == 0:
        return []
    near = {u: {v for v in present if v != u and state.fits_relaxed(u, v)} for u in present}
    fewest = _fewest_colleagues(state, present, near, rng)
    if fewest > budget:
        return None
    for partner in sorted(due(state, present), key=lambda u: (state.idle[u], u)):
        free = set(present) - {partner}
        for pairs in _matchings(state, free, near, fewest, rng, steps):
            if steps[0] > BUDGET:
                return None
            undo = _play(state, pairs, partner)
            rest = _search(state, present, rounds - 1, budget - fewest, rng, steps)
            _undo(state, pairs, partner, undo)
            if rest is not None:
                return [[list(p) for p in pairs] + [[partner, HOST]], *rest]
    return None


def _fewest_colleagues(
    state: PlanState, present: list[int], near: dict[int, set[int]], rng: random.Random
) -> int:
    """The fewest colleague pairs a round with as many pairs as possible can have."""
    if not any(state.colleagues(u, v) for u in present for v in near[u]):
        return 0
    match: dict[int, int] = {}
    if augment(present, match, state.fits, present, blocked=state.blocked) == len(present) // 2:
        return 0
    augment(present, match, state.fits_relaxed, present, blocked=state.relaxed_blocked)
    pairs = [(u, v) for u, v in match.items() if u < v]
    return colleague_pairs(fewest_colleagues(present, pairs, state, rng, augment), state)


def _matchings(
    state: PlanState,
    free: set[int],
    near: dict[int, set[int]],
    colleagues: int,
    rng: random.Random,
    steps: list[int],
) -> Iterator[list[tuple[int, int]]]:
    """Every way to pair all of ``free`` (``near``: who may meet) with at most ``colleagues``
    colleague pairs; the person with the fewest options is paired first."""
    if not free:
        yield []
        return
    u = min(free, key=lambda x: (len(near[x] & free), x))
    choices = sorted(near[u] & free)
    rng.shuffle(choices)
    for v in choices:
        cost = state.colleagues(u, v)
        if cost > colleagues:
            continue
        steps[0] += 1
        for rest in _matchings(state, free - {u, v}, near, colleagues - cost, rng, steps):
            yield [(u, v), *rest]


def _play(state: PlanState, pairs: list[tuple[int, int]], partner: int) -> set[int]:
    for pair in pairs:
        state.reserve(pair)
    last = state.last_host
    state.last_host = {partner}
    state.host_rounds[partner] += 1
    state.idle[partner] += 1
    return last


def _undo(state: PlanState, pairs: list[tuple[int, int]], partner: int, last: set[int]) -> None:
    for pair in pairs:
        state.release(pair)
    state.last_host = last
    state.host_rounds[partner] -= 1
    state.idle[partner] -= 1
