"""The best round of tables of 3 or 4 for a small event, by a dynamic programme over subsets.

Internal to the planner (indices, not ids). Exact for every instance up to ``EXACT_UP_TO``
people present; ``group_search`` covers larger rounds within a step budget.

A round is judged in this order (each key only breaks ties of the ones before):
1. the most people seated (the host's partners included);
2. the fewest same-municipality tables (two people of one municipality at a table);
3. fair waiting: whoever waited least so far waits (``weight ** idle`` summed over who waits,
   so one person who waited k times weighs more than everyone who waited k-1 times);
4. the host's turns: at the host's table whoever sat with the host least often, and not
   someone who sat there last round (``weight ** (host_rounds + 1) + last``, summed);
5. the most funded/unfunded meetings of different municipalities (what ``quality`` counts).

Every key is a sum over the round's tables and waiting people, so the best round of a set of
people is the best of: the lowest-numbered of them waits, or sits at a table with 1..size-1
others who may all meet (or with the host and 0..size-2 others), plus the best round of the
rest. Remembered per (people left, tables left, host free), that is at most 2^n subsets; the
keys are packed into one integer (mixed radix) so that comparing rounds is one comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from startsmart.speed_dating.planner.state import HOST, PlanState

EXACT_UP_TO = 12  # people present: a round of 12 takes at most 0.03 s (CPU), of 14 up to 0.2 s


def round_key_radices(present: Sequence[int], state: PlanState) -> tuple[int, int, int, int]:
    """Radices that keep the five keys apart in one integer (each outweighs all below it)."""
    n = len(present)
    weight = n + 1
    cross = n * (n - 1) // 2 + 1
    host = sum(weight ** (state.host_rounds[p] + 1) + 1 for p in present) + 1
    waiting = sum(weight ** state.idle[p] for p in present) + 1
    r1 = cross
    r2 = r1 * host
    r3 = r2 * waiting
    r4 = r3 * (n + 1)
    return r1, r2, r3, r4


def exact_group_round(
    present: Sequence[int],
    state: PlanState,
    size: int,
    max_tables: int | None,
    host: bool,
) -> tuple[list[list[int]], list[int]]:
    """The best round (see the module doc): its tables (``HOST`` at the host's) and who waits."""
    people = sorted(present)
    n = len(people)
    weight = n + 1
    r1, r2, r3, r4 = round_key_radices(people, state)
    fits = [[state.fits_relaxed(u, v) for v in people] for u in people]
    colleague = [[state.colleagues(u, v) for v in people] for u in people]
    cross = [
        [
            state.model_project[u] != state.model_project[v] and not colleague[i][j]
            for j, v in enumerate(people)
        ]
        for i, u in enumerate(people)
    ]

    def table_value(members: tuple[int, ...], with_host: bool) -> int:
        pairs = list(combinations(members, 2))
        value = len(members) * r4
        value -= r3 * any(colleague[a][b] for a, b in pairs)
        value += sum(cross[a][b] for a, b in pairs)
        if with_host:
            value -= r1 * sum(
                weight ** (state.host_rounds[people[a]] + 1) + (people[a] in state.last_host)
                for a in members
            )
        return value

    # Per lowest member i: every table it can head, as (mask of the others, value).
    plain: list[list[tuple[int, int]]] = []
    hosted: list[list[tuple[int, int]]] = []
    for i in range(n):
        partners = [j for j in range(i + 1, n) if fits[i][j]]
        mine: list[tuple[int, int]] = []
        mine_hosted: list[tuple[int, int]] = []
        for k in range(0, size):
            for others in combinations(partners, k):
                if any(not fits[a][b] for a, b in combinations(others, 2)):
                    continue
                mask = sum(1 << j for j in others)
                if k >= 1:
                    mine.append((mask, table_value((i, *others), False)))
                if host and k <= size - 2:
                    mine_hosted.append((mask, table_value((i, *others), True)))
        plain.append(mine)
        hosted.append(mine_hosted)
    wait_value: list[int] = [-r2 * weight ** state.idle[p] for p in people]

    # More tables than this never fit: two people a table, and one more with the host.
    most_tables = (n + 1) // 2
    limit = most_tables if max_tables is None else min(max_tables, most_tables)
    # Without a binding limit the tables left are not counted (fewer subsets to remember).
    used = 1 if limit < most_tables else 0
    memo: dict[tuple[int, int, bool], tuple[int, tuple[int, int, bool] | None, int, bool]] = {}

    def best(mask: int, tables: int, host_free: bool) -> int:
        key = (mask, tables, host_free)
        known = memo.get(key)
        if known is not None:
            return known[0]
        if mask == 0:
            memo[key] = (0, None, 0, False)
            return 0
        low = mask & -mask
        i = low.bit_length() - 1
        rest = mask ^ low
        # Waiting is always possible; then every table i can head among who is left.
        value = wait_value[i] + best(rest, tables, host_free)
        choice: tuple[int, tuple[int, int, bool] | None, int, bool] = (
            value,
            (rest, tables, host_free),
            0,
            False,
        )
        # A table without the host keeps the host free; one with the host uses the host up.
        tables_here = ((plain[i], host_free, False), (hosted[i] if host_free else (), False, True))
        for options, host_after, with_host in tables_here if tables else ():
            for others, gain in options:
                if others & rest == others:
                    total = gain + best(rest ^ others, tables - used, host_after)
                    if total > value:
                        value = total
                        after = (rest ^ others, tables - used, host_after)
                        choice = (value, after, others, with_host)
        memo[key] = choice
        return value

    full = (1 << n) - 1
    best(full, limit, host)
    tables: list[list[int]] = []
    waiting: list[int] = []
    step: tuple[int, int, bool] | None = (full, limit, host)
    while step is not None and step[0]:
        mask = step[0]
        i = (mask & -mask).bit_length() - 1
        _, after, mates, with_host = memo[step]
        if mates or with_host:
            table = [people[i]] + [people[j] for j in range(n) if mates >> j & 1]
            tables.append(table + [HOST] if with_host else table)
        else:
            waiting.append(people[i])
        step = after
    return tables, waiting
