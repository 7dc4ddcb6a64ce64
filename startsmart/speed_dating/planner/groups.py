"""Group rounds (tables of 3 or 4) for the rotation planner: greedy seating with repairs.

Internal to the planner (indices, not ids). Nobody may share a table with someone they already
met, and a table of s uses up s-1 new people per person and round; with few people and many
rounds that supply runs out. Tables are therefore planned smaller (never below two) as soon as
full tables would exhaust it before the last round: smaller tables throughout rather than
sit-outs at the end. The smaller group (usually the funded) sits down first, spread evenly,
because a table with i funded and j unfunded people yields i*j cross-group meetings. Whoever
fits nowhere may move one blocker to another table or open a new one; only then they wait.
If then someone waits beyond the table count or colleagues share a table, the round is
replaced by the exact best one (``group_exact``, up to ``EXACT_UP_TO`` people), or
``group_search`` looks for a round that seats more people or as many with fewer colleague
tables (larger rounds, within a step budget).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from startsmart.speed_dating.planner.group_exact import EXACT_UP_TO, exact_group_round
from startsmart.speed_dating.planner.group_search import best_group_round, trivially_best
from startsmart.speed_dating.planner.state import HOST, PlanState, choose_seated

ATTEMPTS = 4  # seatings tried per round at most


def build_group_round(
    present: Sequence[int],
    state: PlanState,
    size: int,
    max_tables: int | None,
    host: bool,
    rng: random.Random,
    rounds_left: int = 1,
) -> tuple[list[list[int]], list[int]]:
    """Tables for one round (the host, if seated, is ``HOST``) and who sits out.

    ``rounds_left`` counts this round too. When the people not met yet would run out before
    the last round at full tables, tables are planned smaller from the start, so that the
    shrinking is spread over the rounds instead of ending in sit-outs.
    """
    # Tables always seat two or more (the host's table aside), so without a limit there is
    # always a table to spare.
    table_limit = len(present) if max_tables is None else max_tables
    count = min(table_limit, _table_count(present, state, size, rounds_left))
    seats = min(len(present), count * size)
    must_wait = len(present) - (min(len(present), table_limit * size) if seats >= 2 else 0)
    # A greedy seating can strand someone, seat colleagues together or upset the planned
    # funded/unfunded mix where another order would not; a few seeded retries are cheap next
    # to three minutes of someone's time.
    seating, left = _attempt(present, state, size, table_limit, count, seats, rng)
    score = seating.score(left)
    for _ in range(ATTEMPTS - 1):
        if score <= (must_wait, 0, 0):
            break
        retry, retry_left = _attempt(present, state, size, table_limit, count, seats, rng)
        if retry.score(retry_left) < score:
            seating, left, score = retry, retry_left, retry.score(retry_left)
    if host and left and (max_tables is None or len(seating.tables) < max_tables):
        partner = min(left, key=lambda p: (p in state.host_met, -state.idle[p]))
        left.remove(partner)
        seating.open([partner, HOST])
        seating.settle(left)
    if trivially_best(present, seating.tables, left, state, size, max_tables):
        return seating.tables, left
    # Someone waits or colleagues share a table: no other round may seat more people, or as
    # many with fewer colleague tables (exact for small rounds, else within a step budget).
    if len(present) <= EXACT_UP_TO:
        return exact_group_round(present, state, size, max_tables, host)
    tables, left, _ = best_group_round(present, state, size, max_tables, host, seating.tables, left)
    return tables, left


def _table_count(present: Sequence[int], state: PlanState, size: int, rounds_left: int) -> int:
    count = -(-len(present) // size)
    if not present:
        return count
    towns = Counter(state.municipality[p] for p in present)
    unmet = sum(
        len(present) - 1 - len(state.met[p]) - (towns[state.municipality[p]] - 1)
        if state.municipality[p] is not None
        else len(present) - 1 - len(state.met[p])
        for p in present
    ) / len(present)
    # A table of s gives everyone s-1 new people; keep enough of them for every round left.
    affordable = 1 + unmet / max(rounds_left, 1)
    if affordable < size:
        count = max(count, -(-len(present) // max(int(affordable), 2)))
    return count


def _attempt(
    present: Sequence[int],
    state: PlanState,
    size: int,
    table_limit: int,
    count: int,
    seats: int,
    rng: random.Random,
) -> tuple[_Seating, list[int]]:
    seated, waiting = choose_seated(present, seats, state, rng)
    seating = _Seating(state, size, table_limit, rng)
    funded = sum(state.model_project[p] for p in seated)
    seating.lay_tables(_spread(len(seated), count), funded)
    minority = funded * 2 <= len(seated)
    # The smaller group sits down first, one or two per table; the larger one fills in around
    # them, so nobody from the smaller group finds only tables of people they already met.
    ranked = sorted(
        seated,
        key=lambda p: (
            state.model_project[p] != minority,
            -state.idle[p],
            -len(state.met[p]),
            rng.random(),
        ),
    )
    left = [p for p in ranked if not seating.seat(p, relaxed=False, planned=True)]
    left = seating.dissolve_singles(left) + waiting
    seating.settle(left)
    seating.give_waiting_their_turn(left)
    seating.settle(left)
    return seating, left


def _spread(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


class _Seating:
    def __init__(self, state: PlanState, size: int, table_limit: int, rng: random.Random) -> None:
        self.state = state
        self.size = size
        self.table_limit = table_limit
        self.rng = rng
        self.tables: list[list[int]] = []
        self.planned: list[int] = []  # the balanced size each table aims for
        self.funded_planned: list[int] = []
        self.order: list[int] = []  # table visiting order, shuffled so ties fall by the seed

    def lay_tables(self, sizes: list[int], funded: int) -> None:
        for planned, funded_planned in zip(sizes, _spread(funded, len(sizes)), strict=True):
            self.tables.append([])
            self.planned.append(planned)
            self.funded_planned.append(min(funded_planned, planned))
        self.order = list(range(len(self.tables)))
        self.rng.shuffle(self.order)

    def open(self, table: list[int]) -> None:
        self.tables.append(table)
        self.planned.append(self.size)
        self.funded_planned.append(0)
        self.order.append(len(self.tables) - 1)

    def score(self, left: list[int]) -> tuple[int, int, int]:
        """Who waits, colleague tables, cross-group meetings missing from the planned mix."""
        colleague_tables = planned = cross = 0
        for i, table in enumerate(self.tables):
            people = [p for p in table if p != HOST]
            colleague_tables += any(
                self.state.colleagues(u, v) for j, u in enumerate(people) for v in people[j + 1 :]
            )
            funded = sum(self.state.model_project[p] for p in people)
            cross += funded * (len(people) - funded)
            if i < len(self.funded_planned):
                planned += self.funded_planned[i] * (self.planned[i] - self.funded_planned[i])
        return (len(left), colleague_tables, max(planned - cross, 0))

    def fits(self, p: int, table: Sequence[int], relaxed: bool) -> bool:
        fits = self.state.fits_relaxed if relaxed else self.state.fits
        return all(q == HOST or fits(p, q) for q in table)

    def _preference(self, p: int, i: int) -> tuple[int, int, int]:
        table = self.tables[i]
        funded = sum(self.state.model_project[q] for q in table if q != HOST)
        if self.state.model_project[p]:
            return (funded >= self.funded_planned[i], funded, len(table))
        missing = self.planned[i] - self.funded_planned[i] - (len(table) - funded)
        return (missing <= 0, 0, len(table))

    def seat(self, p: int, relaxed: bool, planned: bool) -> bool:
        """Seat p at the best table with room, else by moving one blocker, else at a new table."""
        best: tuple[tuple[int, int, int], int] | None = None
        for i in self.order:
            table = self.tables[i]
            if len(table) >= (self.planned[i] if planned else self.size):
                continue
            key = self._preference(p, i)
            if (best is None or key < best[0]) and self.fits(p, table, relaxed):
                best = (key, i)
                if key[0] == 0 and not table:
                    break
        if best is not None:
            self.tables[best[1]].append(p)
            return True
        if self._seat_by_moving(p, relaxed, planned):
            return True
        if len(self.tables) < self.table_limit:
            self.open([p])
            return True
        return False

    def _seat_by_moving(self, p: int, relaxed: bool, planned: bool) -> bool:
        fits = self.state.fits_relaxed if relaxed else self.state.fits
        for i in self.order:
            table = self.tables[i]
            blockers = [q for q in table if q != HOST and not fits(p, q)]
            if len(blockers) != 1:
                continue
            q = blockers[0]
            if planned and self.state.model_project[q] != self.state.model_project[p]:
                continue  # while laying out, a swap must not upset the funded/unfunded mix
            for j in self.order:
                other = self.tables[j]
                room = self.planned[j] if planned else self.size
                if j != i and len(other) < room and self.fits(q, other, relaxed):
                    table.remove(q)
                    other.append(q)
                    table.append(p)
                    return True
        return False

    def dissolve_singles(self, left: list[int]) -> list[int]:
        """Tables left with one person are no tables: that person joins ``left``."""
        singles = [t[0] for t in self.tables if len(t) == 1]
        keep = [i for i, t in enumerate(self.tables) if len(t) != 1]
        renumber = {old: new for new, old in enumerate(keep)}
        self.tables = [self.tables[i] for i in keep]
        self.planned = [self.planned[i] for i in keep]
        self.funded_planned = [self.funded_planned[i] for i in keep]
        self.order = [renumber[i] for i in self.order if i in renumber]
        return left + singles

    def settle(self, left: list[int]) -> None:
        """Seat whoever can still be seated, without repeats; colleagues only as a last resort.

        Afterwards nobody in ``left`` fits a table with a free seat, and no two of them who
        never met could open a table while one is free.
        """
        for relaxed in (False, True):
            changed = True
            while changed and left:
                changed = False
                for p in list(left):
                    if self._join_or_pair(p, left, relaxed):
                        changed = True

    def _join_or_pair(self, p: int, left: list[int], relaxed: bool) -> bool:
        if p not in left:
            return False
        for i in self.order:
            table = self.tables[i]
            if len(table) < self.size and self.fits(p, table, relaxed):
                table.append(p)
                left.remove(p)
                return True
        if self._seat_by_moving(p, relaxed, planned=False):
            left.remove(p)
            return True
        if len(self.tables) >= self.table_limit:
            return False
        for q in left:
            if q != p and self.fits(p, [q], relaxed):
                left.remove(p)
                left.remove(q)
                self.open([p, q])
                return True
        return False

    def give_waiting_their_turn(self, left: list[int]) -> None:
        """Swap a waiting person for a seated one who waited less, where the table allows it."""
        for p in sorted(left, key=lambda u: -self.state.idle[u]):
            for i in self.order:
                table = self.tables[i]
                swap = next(
                    (
                        q
                        for q in table
                        if q != HOST
                        and self.state.idle[q] < self.state.idle[p]
                        and self.fits(p, [x for x in table if x != q], relaxed=False)
                    ),
                    None,
                )
                if swap is not None:
                    table[table.index(swap)] = p
                    left[left.index(p)] = swap
                    break
