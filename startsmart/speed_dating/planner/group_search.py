"""Group rounds (tables of 3 or 4) beyond ``group_exact``'s size: a search within a budget.

Internal to the planner (indices, not ids). ``groups`` builds a round fast by greedy seating and
seeded retries; when someone then waits beyond the table count or colleagues share a table,
rounds of up to ``group_exact.EXACT_UP_TO`` people are replaced by the exact best round, and
larger ones go through this search: is there a round that seats more people, or as many with
fewer same-municipality tables (tables where two people of one municipality sit, the figure
``quality`` reports as ``same_municipality_tables``)?

The search tries every seating of the round, person by person (join a table with a free seat
whose people they have not met, open a table while one is free, sit with the host, or wait),
and cuts a branch as soon as it cannot beat the best seating found so far: the people still to
place plus those at tables bound the seated count (less whoever has nobody left to sit with),
and colleague tables and waiting only ever grow. It starts from the greedy round, so a branch
must beat that. Among equally good seatings it prefers the one whose waiting people waited
least before (fairness). It stops after ``BUDGET`` steps (large rounds rarely complete) and
then keeps the best round found so far, never one worse than the greedy one.
"""

from __future__ import annotations

from collections.abc import Sequence

from startsmart.speed_dating.planner.state import HOST, PlanState

BUDGET = 10_000  # search steps per round at most: large rounds rarely complete; keep it quick


class _Exhausted(Exception):
    pass


def colleague_tables(tables: Sequence[Sequence[int]], state: PlanState) -> int:
    """Tables where two people of one municipality sit (the host left out)."""
    count = 0
    for table in tables:
        people = [p for p in table if p != HOST]
        count += any(state.colleagues(u, v) for i, u in enumerate(people) for v in people[i + 1 :])
    return count


def trivially_best(
    present: Sequence[int],
    tables: Sequence[Sequence[int]],
    waiting: Sequence[int],
    state: PlanState,
    size: int,
    max_tables: int | None,
) -> bool:
    """True if no round can beat this one: nobody waits but whom the tables cannot hold, and
    no colleague table."""
    limit = len(present) if max_tables is None else max_tables
    return len(waiting) <= max(len(present) - limit * size, 0) and not colleague_tables(
        tables, state
    )


def best_group_round(
    present: Sequence[int],
    state: PlanState,
    size: int,
    max_tables: int | None,
    host: bool,
    tables: list[list[int]],
    waiting: list[int],
) -> tuple[list[list[int]], list[int], bool]:
    """The best round: most seated, then fewest colleague tables, then fairest waiting.

    Starts from ``tables`` and ``waiting`` (a valid round) and returns them unchanged unless a
    round seats more people or as many with fewer colleague tables. The flag says whether the
    search was complete (False: ``BUDGET`` ran out and the answer is the best found so far).
    """
    limit = len(present) if max_tables is None else max_tables
    weight = len(present) + 1
    # The most constrained first: whoever has the fewest people left to sit with.
    order = sorted(
        present,
        key=lambda p: (
            sum(state.fits_relaxed(p, q) for q in present if q != p),
            -state.idle[p],
            p,
        ),
    )
    cap = min(len(present), limit * size)
    allowed = {p: {q for q in present if q != p and state.fits_relaxed(p, q)} for p in present}
    seated_given = sum(len([p for p in t if p != HOST]) for t in tables)
    # Equal to the given round is not better: only a strictly better seating replaces it.
    best = [seated_given, colleague_tables(tables, state), -1]
    found: tuple[list[list[int]], list[int]] = (tables, waiting)
    current: list[list[int]] = []
    flags: list[bool] = []
    host_at: list[int] = []  # index of the host's table, if open
    out: list[int] = []
    steps = 0

    def better(seated: int, colleagues: int, penalty: int) -> bool:
        if seated != best[0]:
            return seated > best[0]
        if colleagues != best[1]:
            return colleagues < best[1]
        return best[2] != -1 and penalty < best[2]

    def leaf(penalty: int) -> None:
        nonlocal found
        seated = 0
        extra = 0
        singles: list[int] = []
        for i, table in enumerate(current):
            if len(table) >= 2 or (host_at and host_at[0] == i):
                seated += len(table)
            else:
                singles.extend(table)
                extra += weight ** state.idle[table[0]]
        colleagues = sum(flags)
        if better(seated, colleagues, penalty + extra):
            kept = [
                list(t) + ([HOST] if host_at and host_at[0] == i else [])
                for i, t in enumerate(current)
                if len(t) >= 2 or (host_at and host_at[0] == i)
            ]
            best[:] = [seated, colleagues, penalty + extra]
            found = (kept, sorted(out + singles))

    def _seatable(i: int, assigned: int) -> int:
        """At most this many can end up seated: nobody without anyone left to sit with."""
        rest = set(order[i:])
        open_at = [
            set(t)
            for k, t in enumerate(current)
            if len(t) < (size - 1 if host_at and host_at[0] == k else size)
        ]
        for k, table in enumerate(current):
            if len(table) == 1 and not (host_at and host_at[0] == k):
                if not (allowed[table[0]] & rest):
                    assigned -= 1  # alone at a table nobody left can join: waits after all
        alone = 0
        for p in order[i:]:
            if any(q != p for q in allowed[p] & rest):
                continue
            if any(t <= allowed[p] for t in open_at):
                continue
            alone += 1
        rooms = 0
        if host and not host_at and len(current) < limit:
            rooms = size - 1
        elif host_at:
            rooms = size - 1 - len(current[host_at[0]])
        # Nobody left fits two of the lonely ones: at most one of them sits with the host.
        seatable = len(order) - i - alone + min(alone, rooms, 1)
        return min(assigned + seatable, cap)

    def search(i: int, assigned: int, colleagues: int, penalty: int) -> None:
        nonlocal steps
        steps += 1
        if steps > BUDGET:
            raise _Exhausted
        if not better(min(assigned + len(order) - i, cap), colleagues, penalty):
            return
        if not better(_seatable(i, assigned), colleagues, penalty):
            return
        if i == len(order):
            leaf(penalty)
            return
        p = order[i]
        joins = []
        for t, table in enumerate(current):
            room = size - 1 if host_at and host_at[0] == t else size
            if len(table) < room and all(state.fits_relaxed(p, q) for q in table):
                joins.append((any(state.colleagues(p, q) for q in table) and not flags[t], t))
        joins.sort()  # tables where p adds no colleague table first
        for adds, t in joins:
            if adds:
                break
            current[t].append(p)
            search(i + 1, assigned + 1, colleagues, penalty)
            current[t].pop()
        if len(current) < limit:
            for with_host in (False, True) if host and not host_at else (False,):
                current.append([p])
                flags.append(False)
                if with_host:
                    host_at.append(len(current) - 1)
                search(i + 1, assigned + 1, colleagues, penalty)
                if with_host:
                    host_at.pop()
                current.pop()
                flags.pop()
        for adds, t in joins:
            if not adds:
                continue
            current[t].append(p)
            flags[t] = True
            search(i + 1, assigned + 1, colleagues + 1, penalty)
            flags[t] = False
            current[t].pop()
        out.append(p)
        search(i + 1, assigned, colleagues, penalty + weight ** state.idle[p])
        out.pop()

    complete = True
    try:
        search(0, 0, 0, 0)
    except _Exhausted:
        complete = False
    return found[0], found[1], complete
