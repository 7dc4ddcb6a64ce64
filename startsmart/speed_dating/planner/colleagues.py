"""Pair rounds with the fewest colleague pairs, and a fair choice of who sits with the host.

Internal to the planner (indices, not ids). ``pairs`` builds a round fast (fairness first); this
module then makes sure that no other round of pairs with as many pairs would seat fewer people
of one municipality together, and, when the staff host fills the empty seat, moves the free seat
to whoever sat with the host least, without changing the number of pairs or of colleague pairs.

Why exact: with two kinds of pairs (colleagues or not) the best round is a matching of the same
size with as few colleague pairs as possible. A round with t colleague pairs Q exists exactly when
the people outside Q still have k - t pairs that are not colleagues; the search tries
t = 0, 1, ... and stops at the first t that works, so the answer is the minimum. Each test is one
maximum matching (Edmonds, ``pairs.augment``). The search is bounded (``BUDGET`` tests a round);
within it the answer is exact, and with municipalities of up to three people (all real events)
and up to 40 present it never runs out (the property tests check both).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from startsmart.speed_dating.planner.state import PlanState

BUDGET = 400  # maximum-matching tests per round at most

Augment = Callable[..., int]


def colleague_pairs(pairs: Sequence[tuple[int, int]], state: PlanState) -> int:
    return sum(state.colleagues(u, v) for u, v in pairs)


def fewest_colleagues(
    present: Sequence[int],
    pairs: list[tuple[int, int]],
    state: PlanState,
    rng: random.Random,
    augment: Augment,
) -> list[tuple[int, int]]:
    """As many pairs as ``pairs``, with the fewest colleague pairs any such round can have."""
    have = colleague_pairs(pairs, state)
    if have == 0:
        return pairs
    k = len(pairs)
    people = list(present)

    # The best round without colleague pairs; every later test starts from what is left of it
    # (a few augmenting paths instead of a whole matching).
    base: dict[int, int] = {}
    augment(people, base, state.fits, people, k, state.blocked)
    if k - len(base) // 2 >= have:
        return pairs  # even the best round without any colleague pair has fewer pairs

    def good_size(vertices: list[int], need: int) -> int:
        inside = set(vertices)
        match = {u: v for u, v in base.items() if u in inside and v in inside}
        have = len(match) // 2
        if have >= need:
            return have
        roots = [u for u in vertices if u not in match]
        return have + augment(vertices, match, state.fits, roots, need - have, state.blocked)

    edges = [
        (u, v)
        for i, u in enumerate(people)
        for v in people[i + 1 :]
        if state.colleagues(u, v) and v not in state.met[u]
    ]
    tests = 0

    def search(t: int, start: int, chosen: list[tuple[int, int]], used: set[int]) -> bool:
        nonlocal tests
        tests += 1
        if tests > BUDGET:
            return False
        rest = [p for p in people if p not in used]
        if good_size(rest, k - t) < k - t:
            return False  # removing more people never gives more pairs
        if len(chosen) == t:
            return True
        for j in range(start, len(edges)):
            u, v = edges[j]
            if u in used or v in used:
                continue
            chosen.append((u, v))
            used.update((u, v))
            if search(t, j + 1, chosen, used):
                return True
            chosen.pop()
            used.difference_update((u, v))
        return False

    for t in range(max(k - good_size(people, k), 0), have):
        chosen: list[tuple[int, int]] = []
        if search(t, 0, chosen, set()):
            return _complete(people, chosen, k - t, state, rng, augment)
        if tests > BUDGET:
            break
    return pairs


def _complete(
    people: list[int],
    chosen: list[tuple[int, int]],
    need: int,
    state: PlanState,
    rng: random.Random,
    augment: Augment,
) -> list[tuple[int, int]]:
    """``chosen`` plus ``need`` pairs of non-colleagues, seating who waited most first.

    Augmenting from each person in priority order keeps everyone matched once matched, so the
    seated set is the best by priority that any matching of that size can seat.
    """
    used = {p for pair in chosen for p in pair}
    rest = sorted(
        (p for p in people if p not in used), key=lambda u: (-state.idle[u], rng.random())
    )
    match: dict[int, int] = {}
    augment(rest, match, state.fits, rest, need, state.blocked)
    return chosen + [(u, match[u]) for u in rest if u in match and u < match[u]]


def free_seat_for_host(
    present: Sequence[int],
    pairs: list[tuple[int, int]],
    waiting: list[int],
    state: PlanState,
    rng: random.Random,
    augment: Augment,
) -> tuple[list[tuple[int, int]], list[int], int]:
    """Who sits with the host: the one who did least often, never twice in a row if avoidable.

    The free seat may move along alternating swaps (w joins x, x's partner y is free instead)
    that keep the number of pairs and of colleague pairs; among everyone it can reach, the one
    with the fewest host rounds is chosen, then not last round's, then who waited least. If
    someone better placed is not reachable that way (the swaps miss odd cycles), each of them
    is tried in turn: a round without them, as many pairs, no more colleague pairs.
    """

    def key(u: int) -> tuple[int, bool, int]:
        return (state.host_rounds[u], u in state.last_host, state.idle[u])

    ideal = min(key(u) for u in present)[:2]
    mate = {u: v for pair in pairs for u, v in (pair, pair[::-1])}
    parent: dict[int, tuple[int, int] | None] = {w: None for w in waiting}
    queue = list(waiting)
    for w in queue:
        for x in present:
            y = mate.get(x)
            if y is None or y in parent or x in parent or not state.fits_relaxed(w, x):
                continue
            if state.colleagues(w, x) > state.colleagues(x, y):
                continue
            parent[y] = (w, x)
            queue.append(y)
    best = min(parent, key=lambda u: (key(u), rng.random()))
    if key(best)[:2] > ideal:
        have = colleague_pairs(pairs, state)
        for x in sorted(present, key=key):
            if key(x)[:2] >= key(best)[:2]:
                break
            others = [u for u in present if u != x]
            match: dict[int, int] = {}
            if augment(others, match, state.fits_relaxed, others, len(pairs)) < len(pairs):
                continue
            round_x = [(u, match[u]) for u in others if u in match and u < match[u]]
            round_x = fewest_colleagues(others, round_x, state, rng, augment)
            if colleague_pairs(round_x, state) <= have:
                seated = {p for pair in round_x for p in pair}
                return round_x, [u for u in present if u not in seated], x
    # The path back to a waiting person, then its swaps from there: w joins x, y is freed.
    steps = []
    node = best
    while (step := parent[node]) is not None:
        steps.append((step[0], step[1], node))
        node = step[0]
    start = node
    for w, x, y in reversed(steps):
        del mate[y]
        mate[w], mate[x] = x, w
    new_pairs = [(u, v) for u, v in mate.items() if u < v]
    new_waiting = [best if p == start else p for p in waiting]
    return new_pairs, new_waiting, best
