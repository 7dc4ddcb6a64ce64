"""Plan and re-plan the speed-dating rounds of a regional conference (pure: standard library).

"Three questions in three minutes, then the partner changes." The planner lays out rounds of
pairs (or tables of 3 or 4) with table numbers.

Hard rules, never broken: nobody meets anyone twice, nobody is listed twice in a round, tables
hold 2..table_size people, at most ``tables_available`` tables per round. Nobody waits while a
table is free and someone they have not met yet waits too, or a table with a free seat holds
only people new to them (an unavoidable wait, in short).

Then, as far as possible and in this order: seat as many as possible; keep people of one
municipality apart (they share a table only if otherwise someone would wait, judged round by
round); share the waiting (whoever waited most is seated first, so nobody waits twice before
everyone present waited once); bring model projects (MPSC, funded) together with unfunded
municipalities. ``tests/speed_dating/test_planner.py`` states when these are guaranteed;
``quality`` reports them for any plan. The same participants and seed give the same plan,
whatever order the participants come in.

With ``host_fills_gap`` a staff host (``HOST_ID``) sits with whoever would otherwise wait while a
table is free, e.g. the odd one out. The host is staff, so meeting the host twice is allowed;
the host takes turns (nobody twice before everybody once, never twice in a row where the pairs
allow another), and sitting with the host counts like waiting when the planner decides who
waits next. Round by round, late rounds can corner the person due out; then the last rounds are
planned again in turn (``host_turns``, within a budget), and with pairs and one round of the
circle to spare, the circle leaves out the most colleague pairs, which no plan keeping the turns
can beat. Fewer colleague tables still come before the turns.

What is guaranteed about colleagues: with pairs, every round planned round by round has as many
pairs as the people and tables allow and, with that many, the fewest colleague pairs any round
could have (``colleagues``; exact within its search budget, which ≤ 40 people with
municipalities of ≤ 4 never exhaust in the tests); the circle method replaces that plan only if
it seats more people, or as many with no more colleague tables. A re-plan that repairs old
rounds keeps their pairs and is not re-checked. With tables of 3 or 4, every round seats as
many people as any round could (given who met before, the table limit and the host) and, with
that many, has the fewest same-municipality tables (tables where two people of one
municipality sit, as ``quality`` counts them) any round could have. Whenever the greedy round
leaves someone waiting beyond the table count or a colleague table, a round of up to 12 people
is replaced by the exact best round (``group_exact``: then also the fairest waiting, the host's
turns and the most cross-group meetings; compared with an exhaustive solver for every grouping
up to 12 people); larger rounds go through ``group_search``, exact within its search budget
and never worse than the greedy round. ``colleagues_apart`` holds for every table size.

A re-plan keeps the rounds already played, adds late arrivals and drops departures. Round
builders live in ``pairs`` and ``groups`` (exact checks in ``colleagues``, ``group_exact`` and
``group_search``), the quality report and the cross-group upper bound
in ``quality``, the plan's shape (``Plan``, ``Round``, ``Table``, ``Participant``) in ``shapes``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import replace

from startsmart.speed_dating.planner.groups import build_group_round
from startsmart.speed_dating.planner.host_turns import Built, first_broken, repair
from startsmart.speed_dating.planner.pairs import build_pair_round, circle_rounds
from startsmart.speed_dating.planner.quality import forced_sit_outs, quality
from startsmart.speed_dating.planner.shapes import Participant, ParticipantId, Plan, Round, Table
from startsmart.speed_dating.planner.state import HOST, HOST_ID, PlanState


def rounds_that_fit(
    total_minutes: int = 45, round_minutes: int = 3, changeover_minutes: int = 1
) -> int:
    """How many rounds fit: R rounds and R-1 changeovers within ``total_minutes``."""
    if round_minutes <= 0 or changeover_minutes < 0:
        raise ValueError("round_minutes must be positive and changeover_minutes not negative")
    if total_minutes < round_minutes:
        return 0
    return int((total_minutes + changeover_minutes) // (round_minutes + changeover_minutes))


def plan_rounds(
    participants: Iterable[Participant],
    rounds: int,
    table_size: int = 2,
    tables_available: int | None = None,
    seed: int = 0,
    host_fills_gap: bool = False,
    colleagues_apart: bool = False,
    circle: bool = True,
) -> Plan:
    """Plan ``rounds`` rounds for ``participants``, all present throughout.

    Pairs are planned round by round; where that would leave someone waiting beyond parity and
    tables (or the host's turns uneven), the circle method is tried too and the better plan
    wins. ``circle=False`` keeps the round-by-round plan (the tests compare the two).
    """
    settings = Plan((), table_size, tables_available, host_fills_gap, colleagues_apart)
    people = _canonical(participants, settings, rounds)
    # Round-by-round matching can corner itself when most pairs have met (the last free pairs
    # may form odd cycles); the circle method cannot. It never leaves anyone waiting beyond
    # parity and tables, so once the matching does, the circle has won already.
    circle_fits = circle and table_size == 2 and _circle_size(settings, len(people)) >= rounds
    # With one round of the circle to spare, the circle is the best plan keeping the host's
    # turns (see circle_rounds), so the search that repairs them would only repeat it.
    circle_keeps_turns = (
        circle_fits
        and _circle_host(settings, len(people))
        and not settings.colleagues_apart
        and _circle_size(settings, len(people)) == rounds + 1
    )
    plan, troubled = _build(
        settings, (), people, rounds, seed, give_up=circle_fits, turns=not circle_keeps_turns
    )
    # Round by round, the host's turns can corner themselves too (the last ones left without a
    # turn may all have to be seated); the circle, with the host as one spot, never repeats.
    troubled = troubled or (circle_fits and host_fills_gap and _host_turns_broken(plan) > 0)
    if troubled and circle_fits:
        round_robin = _circle_plan(settings, people, rounds, seed)
        if len(plan.rounds) < rounds:
            # The circle often wins, but not always: it may seat colleagues together where
            # round by round the same people would have been seated without.
            plan, _ = _build(settings, (), people, rounds, seed)
        plan = min(plan, round_robin, key=lambda p: _score(p, people))
    return plan


def replan(
    plan: Plan,
    from_round: int,
    participants: Iterable[Participant],
    *,
    seed: int = 0,
    rounds: int | None = None,
) -> Plan:
    """Plan again from round ``from_round`` for the people now present.

    Rounds before ``from_round`` stay exactly as they were; their meetings stay forbidden and
    their sit-outs count for fairness. ``participants`` is who is present from now on: late
    arrivals join, whoever is missing has left. ``rounds`` changes the total (default: same).
    Other settings come from ``plan``; change them with ``dataclasses.replace(plan, ...)``.
    """
    total = len(plan.rounds) if rounds is None else rounds
    if not 1 <= from_round <= len(plan.rounds) + 1:
        raise ValueError(f"from_round must lie between 1 and {len(plan.rounds) + 1}")
    if total < from_round - 1:
        raise ValueError("rounds cannot end before the rounds that are kept")
    settings = replace(plan, rounds=())
    people = _canonical(participants, settings, total)
    history = plan.rounds[: from_round - 1]
    fresh, troubled = _build(settings, history, people, total, seed)
    if troubled and plan.table_size == 2 and from_round <= len(plan.rounds):
        # When the fresh plan corners itself, repairing the old rounds (drop who left, pair the
        # partners they left behind) often still works, because the old rounds were complete.
        repaired, _ = _build(
            settings, history, people, total, seed, plan.rounds[from_round - 1 : total]
        )
        everyone = people + [
            Participant(i) for i in sorted(_ids(plan) - {p.id for p in people}, key=_id_key)
        ]
        fresh = min(fresh, repaired, key=lambda p: _score(p, everyone))
    return fresh


def _id_key(pid: ParticipantId) -> tuple[bool, int | str]:
    return (isinstance(pid, str), pid)


def _ids(plan: Plan) -> set[ParticipantId]:
    ids = {m for r in plan.rounds for t in r.tables for m in t.members}
    return (ids | {m for r in plan.rounds for m in r.sitting_out}) - {HOST_ID}


def _canonical(
    participants: Iterable[Participant], settings: Plan, rounds: int
) -> list[Participant]:
    people = sorted(participants, key=lambda p: _id_key(p.id))
    if settings.table_size not in (2, 3, 4):
        raise ValueError("table_size must be 2, 3 or 4")
    if rounds < 0:
        raise ValueError("rounds must not be negative")
    if settings.tables_available is not None and settings.tables_available < 1:
        raise ValueError("tables_available must be at least 1")
    if len({p.id for p in people}) != len(people):
        raise ValueError("participant ids must be unique")
    if any(p.id == HOST_ID for p in people):
        raise ValueError(f"{HOST_ID!r} is reserved for the host")
    return people


def _score(plan: Plan, people: Sequence[Participant]) -> tuple[int, int, int, int, int]:
    report = quality(plan, people)
    return (
        report.sit_outs_beyond_capacity,
        report.same_municipality_tables,
        max(report.sit_out_spread - 1, 0),
        _host_turns_broken(plan),
        -report.cross_group_meetings,
    )


def _host_turns_broken(plan: Plan) -> int:
    """Host tables given to someone who had more turns than another person, or had the last."""
    turns: dict[ParticipantId, int] = {}
    last = None
    broken = 0
    for rnd in plan.rounds:
        here = [m for t in rnd.tables for m in t.members if m != HOST_ID] + list(rnd.sitting_out)
        for m in here:
            turns.setdefault(m, 0)
        partner = next(
            (m for t in rnd.tables if HOST_ID in t.members for m in t.members if m != HOST_ID),
            None,
        )
        if partner is None:
            continue
        fewest = min(turns[m] for m in here)
        broken += turns[partner] > fewest or partner == last
        turns[partner] += 1
        last = partner
    return broken


def _build(
    settings: Plan,
    history: Sequence[Round],
    people: list[Participant],
    total: int,
    seed: int,
    reuse: Sequence[Round] = (),
    give_up: bool = False,
    turns: bool = True,
) -> tuple[Plan, bool]:
    """Keep ``history``, build the rest round by round; also say whether it went badly.

    With ``reuse`` (pairs only) the meetings of those old rounds stay reserved and each round
    starts from its old pairs, so only the gaps are filled. With ``give_up`` the plan stops
    short at the first round where someone waits beyond parity and tables. With ``turns`` the
    last rounds are planned again where they broke the host's turns (``host_turns``).
    """
    index = {p.id: i for i, p in enumerate(people)}
    last_table: dict[int, int] = {}
    always = set(index.values())
    kept_rounds: Built = []
    for rnd in history:
        tables = [
            [HOST if m == HOST_ID else index[m] for m in t.members if m in index or m == HOST_ID]
            for t in rnd.tables
        ]
        waiting = [index[m] for m in rnd.sitting_out if m in index]
        kept_rounds.append((tables, waiting))
        always &= {p for t in tables for p in t} | set(waiting)
        for table, t in zip(tables, rnd.tables, strict=True):
            last_table.update((p, t.number) for p in table if p != HOST)
    built: Built = []

    def replay(step: int) -> PlanState:
        """The state after the kept rounds and the first ``step`` built ones."""
        state = PlanState(
            [p.model_project for p in people],
            [p.municipality for p in people],
            settings.colleagues_apart,
        )
        for tables, waiting in kept_rounds + built[:step]:
            state.record(tables, waiting)
        return state

    state = replay(0)
    # Re-plans reuse old rounds: their pairs stay reserved, each round starts from its old
    # pairs, and a pair planned for later may be brought forward rather than let two people
    # who never met wait side by side.
    kept: list[set[tuple[int, int]]] = [set() for _ in reuse]
    planned_for: dict[tuple[int, int], int] = {}
    for step, rnd in enumerate(reuse):
        for t in rnd.tables:
            two = sorted(index[m] for m in t.members if m in index)
            if len(two) == 2:
                kept[step].add((two[0], two[1]))
                planned_for[two[0], two[1]] = step
                state.reserve(two)
    rng = random.Random(seed)
    present = list(range(len(people)))
    rounds = list(history)
    beyond = 0
    for step, number in enumerate(range(len(history) + 1, total + 1)):
        if settings.table_size == 2:
            initial = sorted(kept[step]) if step < len(kept) else []
            for pair in initial:
                state.release(pair)

            def later(u: int, v: int, step: int = step) -> bool:
                planned = planned_for.get((min(u, v), max(u, v)), -1)
                return planned > step or state.fits_relaxed(u, v)

            pairs, waiting = build_pair_round(
                present,
                state,
                settings.tables_available,
                settings.host_fills_gap,
                rng,
                initial,
                later if planned_for else None,
            )
            for u, v in pairs:
                moved = planned_for.pop((min(u, v), max(u, v)), step)
                if moved > step:
                    kept[moved].discard((min(u, v), max(u, v)))
            tables = [list(pair) for pair in pairs]
        else:
            tables, waiting = build_group_round(
                present,
                state,
                settings.table_size,
                settings.tables_available,
                settings.host_fills_gap,
                rng,
                total - number + 1,
            )
        state.record(tables, waiting)
        beyond += max(len(waiting) - forced_sit_outs(len(present), settings), 0)
        built.append((tables, waiting))
        if give_up and beyond:
            break
    if turns and settings.host_fills_gap and settings.table_size == 2 and not reuse and not beyond:
        broken = first_broken(replay, built, present)
        if broken < len(built) and (repaired := repair(replay, built, present, broken, seed)):
            built = repaired
    for number, (tables, waiting) in enumerate(built, start=len(history) + 1):
        rounds.append(_publish(number, tables, waiting, people, last_table))
    counts = [state.sit_outs[p] for p in always]
    spread = max(counts) - min(counts) if counts else 0
    return replace(settings, rounds=tuple(rounds)), beyond > 0 or spread > 1


def _circle_host(settings: Plan, count: int) -> bool:
    limit = settings.tables_available
    seatable = count // 2 if limit is None else min(limit, count // 2)
    return settings.host_fills_gap and count % 2 == 1 and (limit is None or limit > seatable)


def _circle_size(settings: Plan, count: int) -> int:
    """How many rounds the circle method can give ``count`` people (and perhaps the host)."""
    spots = count + _circle_host(settings, count)
    return spots - 1 if spots % 2 == 0 else spots


def _circle_plan(settings: Plan, people: list[Participant], total: int, seed: int) -> Plan:
    count = len(people)
    state = PlanState(
        [p.model_project for p in people],
        [p.municipality for p in people],
        settings.colleagues_apart,
    )
    limit = settings.tables_available
    circle = list(range(count)) + ([HOST] if _circle_host(settings, count) else [])
    rng = random.Random(seed)
    last_table: dict[int, int] = {}
    rounds = []
    for number, pairs in enumerate(circle_rounds(circle, total, state, rng), start=1):
        if limit is not None and len(pairs) > limit:
            # Too few tables: the pairs whose members waited most keep theirs.
            pairs.sort(
                key=lambda pair: (-sum(state.idle[p] for p in pair if p != HOST), rng.random())
            )
            del pairs[limit:]
        if settings.colleagues_apart:
            pairs = _pair_the_rest(
                [pair for pair in pairs if HOST in pair or state.fits(*pair)],
                count,
                state,
                settings,
                rng,
            )
        seated = {p for pair in pairs for p in pair}
        waiting = [p for p in range(count) if p not in seated]
        tables = [list(pair) for pair in pairs]
        state.record(tables, waiting)
        rounds.append(_publish(number, tables, waiting, people, last_table))
    return replace(settings, rounds=tuple(rounds))


def _pair_the_rest(
    pairs: list[tuple[int, int]],
    count: int,
    state: PlanState,
    settings: Plan,
    rng: random.Random,
) -> list[tuple[int, int]]:
    """Seat whom the circle left waiting once its colleague pairs were taken out.

    Those pairs free two people each, and two of them who may meet must not both wait; their
    new pairs can clash with the circle's later rounds, which is why every circle pair is
    checked against what happened (``state.fits``) before it is kept. Who waited most is
    seated first; the host, if free, takes the one left over.
    """
    limit = settings.tables_available
    seated = {p for pair in pairs for p in pair}
    waiting = sorted(
        (p for p in range(count) if p not in seated), key=lambda p: (-state.idle[p], rng.random())
    )
    pairs = list(pairs)
    while waiting and (limit is None or len(pairs) < limit):
        first = waiting.pop(0)
        partner = next((q for q in waiting if state.fits(first, q)), None)
        if partner is not None:
            waiting.remove(partner)
            pairs.append((first, partner))
        elif settings.host_fills_gap and all(HOST not in pair for pair in pairs):
            pairs.append((first, HOST))
    return pairs


def _publish(
    number: int,
    tables: list[list[int]],
    waiting: list[int],
    people: list[Participant],
    last_table: dict[int, int],
) -> Round:
    """Turn indices into ids and give tables numbers.

    Funded participants keep their table number from round to round where possible (then
    others keep theirs), so the model projects stay seated and the others move.
    """
    numbers = [0] * len(tables)
    taken: set[int] = set()
    for funded_only in (True, False):
        for i, table in enumerate(tables):
            for p in sorted(table):
                if numbers[i] or p == HOST or (funded_only and not people[p].model_project):
                    continue
                wanted = last_table.get(p)
                if wanted is not None and wanted <= len(tables) and wanted not in taken:
                    numbers[i] = wanted
                    taken.add(wanted)
    spare = iter(n for n in range(1, len(tables) + 1) if n not in taken)
    published = []
    for i, table in enumerate(tables):
        numbers[i] = numbers[i] or next(spare)
        humans = sorted(p for p in table if p != HOST)
        last_table.update((p, numbers[i]) for p in humans)
        members = tuple(people[p].id for p in humans) + ((HOST_ID,) if HOST in table else ())
        published.append(Table(numbers[i], members))
    published.sort(key=lambda t: t.number)
    return Round(number, tuple(published), tuple(people[p].id for p in sorted(waiting)))
