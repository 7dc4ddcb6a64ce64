"""The planner against exact solvers: fewest colleague pairs, the host's turns, the bound.

- Every round of pairs seats as many pairs as any round could (given who met before and the
  table limit) and, with that many pairs, no more colleague pairs than the fewest possible.
  Checked for every municipality grouping of 2..12 people (up to isomorphism: the grouping is a
  partition of n), odd and even, with and without the host and a table limit, by exhaustive
  search; and for random conferences of 10..40 people against max-weight matching (networkx).
- With "never seat colleagues together" no colleagues ever meet, and whoever waits for it is
  counted in the report.
- With an odd count and the host filling in, nobody sits with the host twice before everybody
  present had a turn, and nobody twice in a row, whenever a plan that does so and seats as many
  has no more colleague tables. Up to 13 people with as many rounds as are useful (12 at most)
  this is checked exactly: up to 11 everybody meets everybody, so every plan has the same
  colleague tables and the circle keeps the order; 13 people in 12 rounds leave out one perfect
  matching of the 12 with a turn, so such plans have at least P - F colleague tables (P the
  colleague pairs, F the most of them one matching can hold, sum of floor(size / 2)), and fewer
  is only possible by breaking the order.
- Tables of 3 or 4: see test_planner_tables.py.
- The cross-group bound's per-round part equals the best single round found by trying every
  seating of small groups; for the benchmark's 30 people at tables of 4 a plan attains it.
  Over several rounds it is never below the best plan (every plan of 4 to 6 people over 2 or 3
  rounds tried), but can lie above it: 6 people, 2 funded, tables of 3 or 4, 2 rounds: 8, best 6.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner_groupings import SMALL, grouped
from startsmart.speed_dating.planner import (
    HOST_ID,
    Participant,
    Plan,
    Round,
    Table,
    cross_group_bound,
    plan_rounds,
    quality,
)

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


Met = set[frozenset[int]]


def rounds_of(plan: Plan) -> Iterator[tuple[set[int], Met, list[tuple[int, int]]]]:
    """Per round: who is present, who met before it, its pairs of people (the host left out)."""
    met: Met = set()
    for rnd in plan.rounds:
        present = {m for t in rnd.tables for m in t.members if m != HOST_ID}
        present |= set(rnd.sitting_out)
        pairs = [
            (t.members[0], t.members[1])
            for t in rnd.tables
            if HOST_ID not in t.members and len(t.members) == 2
        ]
        yield present, set(met), pairs
        for t in rnd.tables:
            humans = [m for m in t.members if m != HOST_ID]
            met.update(frozenset(p) for p in itertools.combinations(humans, 2))


def exact_best(
    vertices: Sequence[int],
    allowed: Callable[[int, int], bool],
    colleague: Callable[[int, int], bool],
) -> dict[int, int]:
    """For every matching size: the fewest colleague pairs (exhaustive, memoised by who is left)."""
    order = sorted(vertices)
    memo: dict[frozenset[int], dict[int, int]] = {}

    def solve(left: frozenset[int]) -> dict[int, int]:
        if len(left) < 2:
            return {0: 0}
        if left in memo:
            return memo[left]
        v = min(left)
        rest = left - {v}
        best = dict(solve(rest))
        for u in rest:
            if allowed(v, u):
                cost = colleague(v, u)
                for size, col in solve(rest - {u}).items():
                    if col + cost < best.get(size + 1, 1 << 30):
                        best[size + 1] = col + cost
        memo[left] = best
        return best

    return solve(frozenset(order))


def check_fewest_colleagues(plan: Plan, people: list[Participant], oracle) -> None:
    town = {p.id: p.municipality for p in people}

    def colleague(u: int, v: int) -> bool:
        return town[u] is not None and town[u] == town[v]

    for number, (present, met, pairs) in enumerate(rounds_of(plan), start=1):

        def allowed(u: int, v: int, met: Met = met) -> bool:
            return frozenset((u, v)) not in met and not (plan.colleagues_apart and colleague(u, v))

        have = sum(colleague(u, v) for u, v in pairs)
        if have == 0 and len(pairs) in (len(present) // 2, plan.tables_available):
            continue  # as many pairs as there is room for, none of colleagues: nothing to beat
        best = oracle(sorted(present), allowed, colleague)
        most = max(best)
        if plan.tables_available is not None:
            most = min(most, plan.tables_available)
        assert len(pairs) == most, f"round {number}: {len(pairs)} pairs, {most} possible"
        assert have == best[len(pairs)], f"round {number}: {have} colleague pairs, {best} possible"


def networkx_best(vertices, allowed, colleague) -> dict[int, int]:
    """Max-weight matching: as many pairs as possible, then as few colleague pairs."""
    nx = pytest.importorskip("networkx")
    graph = nx.Graph()
    graph.add_nodes_from(vertices)
    big = 4 * len(vertices) + 4
    for u, v in itertools.combinations(vertices, 2):
        if allowed(u, v):
            graph.add_edge(u, v, weight=big - colleague(u, v))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return {len(matching): sum(colleague(u, v) for u, v in matching)}


@pytest.mark.parametrize("host", [False, True], ids=["alone", "host"])
def test_fewest_colleague_pairs_for_every_grouping_up_to_12(host):
    for sizes, funded in SMALL:
        people = grouped(sizes, funded)
        for limit in (None, max(len(people) // 3, 1)):
            rounds = min(12, len(people))
            plan = plan_rounds(
                people,
                rounds,
                tables_available=limit,
                seed=len(people),
                host_fills_gap=host,
                circle=False,
            )
            assert quality(plan, people).valid
            check_fewest_colleagues(plan, people, exact_best)
            chosen = plan_rounds(
                people, rounds, tables_available=limit, seed=len(people), host_fills_gap=host
            )
            if chosen != plan:
                assert beaten_by_the_circle(chosen, plan, people)


@st.composite
def conference(draw, low: int = 10, high: int = 40):
    """Municipalities of 1..4 people, whole municipalities funded, some towns unknown."""
    count = draw(st.integers(low, high))
    sizes = draw(st.lists(st.integers(1, 4), min_size=count, max_size=count))
    funded = draw(st.sets(st.integers(0, count)))
    unknown = draw(st.sets(st.integers(0, count), max_size=3))
    towns = [i for i, size in enumerate(sizes) for _ in range(size)][:count]
    return [
        Participant(i, None if town in unknown else f"m{town}", town in funded)
        for i, town in enumerate(towns)
    ]


def beaten_by_the_circle(plan: Plan, round_by_round: Plan, people: list[Participant]) -> bool:
    """The circle method replaced the round-by-round plan: it seats more people over the plan
    (or gives the host's turns fairly) with no more colleague tables, at the price of rounds
    whose pairs were fixed in advance."""
    chosen, alternative = quality(plan, people), quality(round_by_round, people)
    return plan != round_by_round and (
        chosen.sit_outs_beyond_capacity < alternative.sit_outs_beyond_capacity
        or (
            chosen.sit_outs_beyond_capacity == alternative.sit_outs_beyond_capacity
            and chosen.same_municipality_tables <= alternative.same_municipality_tables
        )
    )


@PROPERTY
@given(conference(), st.booleans(), st.integers(0, 5), st.sampled_from([6, 12]))
def test_fewest_colleague_pairs_up_to_40_against_max_weight_matching(people, host, seed, rounds):
    rounds = min(rounds, len(people))  # as planning.useful_rounds: no round without news
    round_by_round = plan_rounds(people, rounds, seed=seed, host_fills_gap=host, circle=False)
    check_fewest_colleagues(round_by_round, people, networkx_best)
    plan = plan_rounds(people, rounds, seed=seed, host_fills_gap=host)
    if plan != round_by_round:
        assert beaten_by_the_circle(plan, round_by_round, people)


@PROPERTY
@given(conference(4, 40), st.booleans(), st.sampled_from([2, 3, 4]), st.integers(0, 5))
# Found by a CI run: the circle won, and taking out its colleague pairs left two people
# waiting who could have met.
@example(grouped([1, 3, 1, 1, 1, 1, 1, 2, 1, 1]), False, 2, 0)
def test_colleagues_apart_never_meet(people, host, size, seed):
    plan = plan_rounds(
        people, 12, table_size=size, seed=seed, host_fills_gap=host, colleagues_apart=True
    )
    town = {p.id: p.municipality for p in people}
    for rnd in plan.rounds:
        for table in rnd.tables:
            towns = [town[m] for m in table.members if m != HOST_ID and town[m] is not None]
            assert len(towns) == len(set(towns))
    report = quality(plan, people)
    assert report.valid
    assert report.avoidable_sit_outs == 0
    loose = quality(plan.__class__(plan.rounds, plan.table_size, None, host), people)
    assert report.colleague_sit_outs == loose.avoidable_sit_outs


def test_colleagues_apart_makes_the_lone_colleague_wait_and_says_so():
    people = grouped([2, 2])  # two towns of two: each person has one possible partner a round
    plan = plan_rounds(people, 3, colleagues_apart=True)
    assert [len(r.tables) for r in plan.rounds] == [2, 2, 0]
    report = quality(plan, people)
    assert report.colleague_sit_outs == 4  # round 3: everyone waits beside their colleague
    assert report.same_municipality_tables == 0


@pytest.mark.parametrize("count", [3, 5, 7, 9, 11, 13, 21])
@pytest.mark.parametrize("sizes", ["alone", "towns"])
def test_the_host_takes_turns(count, sizes):
    people = (
        grouped([1] * count)
        if sizes == "alone"
        else grouped([3] * (count // 3) + [1] * (count % 3))
    )
    for seed in range(4):
        # As many rounds as planning.useful_rounds allows: an odd count meets everyone in n.
        plan = plan_rounds(people, min(12, count), seed=seed, host_fills_gap=True)
        turns = dict.fromkeys((p.id for p in people), 0)
        last = None
        for rnd in plan.rounds:
            with_host = [m for t in rnd.tables if HOST_ID in t.members for m in t.members]
            partner = next((m for m in with_host if m != HOST_ID), None)
            if partner is None:
                continue
            assert turns[partner] == min(turns.values()), (seed, rnd.number, turns)
            assert partner != last, (seed, rnd.number)
            turns[partner] += 1
            last = partner


@st.composite
def odd_conference(draw, high: int = 13):
    """An odd number of people in municipalities of 1..4, some of them funded."""
    count = 2 * draw(st.integers(1, high // 2)) + 1
    sizes = draw(st.lists(st.integers(1, 4), min_size=count, max_size=count))
    funded = draw(st.sets(st.integers(0, count)))
    towns = [i for i, size in enumerate(sizes) for _ in range(size)][:count]
    return [Participant(i, f"m{town}", town in funded) for i, town in enumerate(towns)]


def host_order_kept(plan: Plan, people: list[Participant]) -> bool:
    turns = dict.fromkeys((p.id for p in people), 0)
    last = None
    for rnd in plan.rounds:
        partner = next(
            (m for t in rnd.tables if HOST_ID in t.members for m in t.members if m != HOST_ID),
            None,
        )
        if partner is None:
            continue
        if turns[partner] > min(turns.values()) or partner == last:
            return False
        turns[partner] += 1
        last = partner
    return True


def fewest_colleague_tables_in_turn(people: list[Participant], rounds: int) -> int:
    """The fewest colleague tables of any plan of ``rounds`` full rounds that keeps the host's
    order, for an odd count and ``rounds`` = count or count - 1 (see the module docstring)."""
    sizes = Counter(p.municipality for p in people).values()
    colleague_pairs = sum(size * (size - 1) // 2 for size in sizes)
    if rounds == len(people):
        return colleague_pairs
    assert rounds == len(people) - 1
    return colleague_pairs - sum(size // 2 for size in sizes)


@PROPERTY
@given(odd_conference(), st.integers(0, 5))
# Found by random search: the round-by-round plan cornered the person due out in round 12, and
# the search over the last rounds repairs it.
@example(grouped([2, 2, 4, 1, 1, 2, 1], 1), 0)
def test_the_host_keeps_the_order_whenever_a_plan_can(people, seed):
    rounds = min(12, len(people))
    plan = plan_rounds(people, rounds, seed=seed, host_fills_gap=True)
    report = quality(plan, people)
    assert report.valid and report.sit_outs_beyond_capacity == 0
    if not host_order_kept(plan, people):
        # Only a plan with fewer colleague tables than any plan in turn may break it.
        assert report.same_municipality_tables < fewest_colleague_tables_in_turn(people, rounds)


def best_single_round(people: list[Participant], size: int, tables: int | None) -> int:
    """The most funded/unfunded meetings one round can hold: every seating tried."""
    best = 0

    def seat(left: list[Participant], open_tables: int, cross: int) -> None:
        nonlocal best
        best = max(best, cross)
        if len(left) < 2 or open_tables == 0:
            return
        first, rest = left[0], left[1:]
        seat(rest, open_tables, cross)  # first waits
        for k in range(1, size):
            for others in itertools.combinations(rest, k):
                table = [first, *others]
                gained = sum(
                    u.model_project != v.model_project and u.municipality != v.municipality
                    for u, v in itertools.combinations(table, 2)
                )
                seat([p for p in rest if p not in others], open_tables - 1, cross + gained)

    seat(people, len(people) if tables is None else tables, 0)
    return best


@pytest.mark.parametrize("size", [3, 4])
def test_cross_group_bound_of_one_round_is_the_exhaustive_optimum(size):
    for count in range(2, 10):
        for funded in range(count + 1):
            people = [Participant(i, f"m{i}", i < funded) for i in range(count)]
            for tables in (None, 1, 2):
                bound = cross_group_bound(people, 1, size, tables)
                assert bound == best_single_round(people, size, tables), (count, funded, tables)


# The benchmark's 30 people at tables of 4 (benchmarks/planner.py, population(30, seed=34)):
# their town per person, the funded towns, and a 12-round plan found by a randomised search
# (tables of a funded person with two or three unfunded, the other unfunded mostly in pairs).
BENCHMARK_TOWNS = [0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 5, 6, 6, 7, 7, 8, 9, 9, 10, 10, 11, 11, 12]
BENCHMARK_TOWNS += [13, 13, 13, 14, 14, 14, 15]
BENCHMARK_FUNDED_TOWNS = {3, 4, 5, 8, 9}
EVERY_FUNDED_MEETS_EVERY_UNFUNDED = """
    6-17-28 10-11-22 1-9-20 14-15-26 8-12-25 2-13-16-18 3-19-29 4-5-24 7-21-27 0-23
    9-24-27 0-17-21 4-8-23 5-15-19 3-10-26 1-7-16-29 2-25-28 12-13 18-20-22 6-11-14
    2-10-24 3-7-17 15-18-27 5-9-13-25 8-14-22 0-6-16-20 1-21-26 4-11-28 12-29 19-23
    4-12-17-22 10-21-23 13-15-28 8-11-19 0-3-9 14-16-24 1-5-27 2-20-29 6-18-25 7-26
    8-27-29 1-15-25 5-10-28 6-9-26 2-17-19 12-16-23 3-11-20 0-13-24 4-7-14-18 21-22
    7-11-15 5-8-18-21 4-10-20 13-17-23-29 2-9-12-14 16-22-27 1-3-28 0-19-25-26 6-24
    7-10-25 4-6-15 8-20-24-26 11-17-18 9-21-28 16-19 1-22-23 0-12 14-29 3-13-27 2-5
    0-10-18-29 3-12-15-21 1-17-24 9-11-23 4-16-25 7-8-13 19-20-28 2-6-27 5-14 22-26
    0-15-22 10-19-27 16-28 5-17-26 4-9-29 3-6-8 1-11-13 2-7-23 14-21-25 18-24 12-20
    2-15 11-16-21 1-10-14 17-20-25 0-8-28 7-9-19 3-18-23 4-27 5-29 13-26 6-22 12-24
    15-20-23 3-5-16 6-10-12 17-27 9-22 1-8 2-11-26 25-29 0-7 18-28 14-19 21-24 4-13
    15-24-29 14-17 16-26 10-13 2-8 9-18 20-27 7-12-28 3-22-25 6-21 0-11 5-23 1-4-19
"""


def test_the_tables_of_four_bound_of_the_benchmark_is_attained():
    """The benchmark reports 136 of 144 at tables of 4 (94.4 %): the gap is the planner's, not
    the bound's. This plan seats everyone in every round, never two of one town, and every
    funded person meets every unfunded one."""
    people = [
        Participant(i, f"m{town}", town in BENCHMARK_FUNDED_TOWNS)
        for i, town in enumerate(BENCHMARK_TOWNS)
    ]
    rounds = [
        Round(
            number,
            tuple(
                Table(table, tuple(int(m) for m in members.split("-")))
                for table, members in enumerate(line.split(), start=1)
            ),
            (),
        )
        for number, line in enumerate(EVERY_FUNDED_MEETS_EVERY_UNFUNDED.split("\n")[1:-1], 1)
    ]
    report = quality(Plan(tuple(rounds), table_size=4), people)
    assert report.valid
    assert report.same_municipality_tables == report.sit_outs_beyond_capacity == 0
    assert report.avoidable_sit_outs == 0
    assert report.cross_group_meetings == report.cross_group_bound == 144


def best_plan_cross_group(people: list[Participant], rounds: int, size: int) -> int:
    """The most funded/unfunded meetings of any plan of ``rounds`` rounds (every seating of
    every round tried; nobody meets anyone twice, anyone may wait)."""

    def seatings(left: list[int], met: frozenset[frozenset[int]]) -> Iterator[list[frozenset]]:
        if not left:
            yield []
            return
        first, rest = left[0], left[1:]
        for k in range(0, size):
            for others in itertools.combinations(rest, k):
                table = (first, *others)
                pairs = [frozenset(p) for p in itertools.combinations(table, 2)]
                if any(p in met for p in pairs):
                    continue
                remaining = [p for p in rest if p not in others]
                for more in seatings(remaining, met):
                    yield pairs + more

    funded = {p.id: p.model_project for p in people}

    def best(round_left: int, met: frozenset[frozenset[int]]) -> int:
        if round_left == 0:
            return sum(1 for pair in met if len({funded[m] for m in pair}) == 2)
        return max(
            best(round_left - 1, met | frozenset(pairs))
            for pairs in seatings([p.id for p in people], met)
        )

    return best(rounds, frozenset())


@pytest.mark.parametrize("size", [3, 4])
def test_cross_group_bound_is_never_below_the_best_plan(size):
    for count, rounds in ((4, 3), (5, 2), (6, 2)):
        for funded in range(1, count):
            people = [Participant(i, f"m{i}", i < funded) for i in range(count)]
            best = best_plan_cross_group(people, rounds, size)
            assert cross_group_bound(people, rounds, size) >= best, (count, funded, rounds)
