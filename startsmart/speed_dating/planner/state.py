"""Bookkeeping shared by the rotation planner's round builders: who met whom, who waited.

Internal to the planner: participants are plain indices 0..n-1 here, and the staff host is
``HOST``. Standard library only, like the rest of the planner.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

HOST = -1  # the staff host's index; never a participant's
HOST_ID = "__host__"  # the staff host's id in a published plan


class PlanState:
    """What the rounds so far left behind: meetings, sit-outs and host tables per participant."""

    def __init__(
        self,
        model_project: Sequence[bool],
        municipality: Sequence[str | None],
        colleagues_apart: bool = False,
    ) -> None:
        self.model_project = list(model_project)
        # Staff chose "never seat colleagues together": then a colleague is as good as met.
        self.colleagues_apart = colleagues_apart
        self.municipality = list(municipality)
        count = len(self.model_project)
        self.met: list[set[int]] = [set() for _ in range(count)]
        self.sit_outs = [0] * count
        # The fairness key. A round alone with the host is a round without a real partner, so it
        # counts like sitting out when the planner chooses who waits next.
        self.idle = [0] * count
        self.host_met: set[int] = set()
        self.host_rounds = [0] * count  # rounds each person sat with the host
        self.last_host: set[int] = set()  # who sat with the host in the last recorded round
        towns: dict[str, set[int]] = {}
        for person, town in enumerate(self.municipality):
            if town is not None:
                towns.setdefault(town, set()).add(person)
        # Per person: everyone they may not sit with (met, or colleague); kept in step with met.
        self.blocked: list[set[int]] = [
            (towns[town] - {person}) if town is not None else set()
            for person, town in enumerate(self.municipality)
        ]

    def colleagues(self, u: int, v: int) -> bool:
        """True if both come from the same (known) municipality."""
        municipality = self.municipality[u]
        return municipality is not None and municipality == self.municipality[v]

    def fits(self, u: int, v: int) -> bool:
        """u and v may share a table without a repeat and without colleagues meeting."""
        return v not in self.met[u] and not self.colleagues(u, v)

    def fits_relaxed(self, u: int, v: int) -> bool:
        """u and v may share a table without a repeat (colleagues allowed as a last resort,
        unless staff keep colleagues apart)."""
        if self.colleagues_apart:
            return self.fits(u, v)
        return v not in self.met[u]

    @property
    def relaxed_blocked(self) -> Sequence[set[int]]:
        """Per person exactly what :meth:`fits_relaxed` rules out."""
        return self.blocked if self.colleagues_apart else self.met

    def record(self, tables: Iterable[Sequence[int]], sitting_out: Iterable[int]) -> None:
        """Add one round's tables and sit-outs."""
        self.last_host = set()
        for table in tables:
            people = [p for p in table if p != HOST]
            if len(people) < len(table):
                self.host_met.update(people)
                self.last_host.update(people)
                for person in people:
                    self.host_rounds[person] += 1
                if len(people) == 1:
                    self.idle[people[0]] += 1
            self.reserve(people)
        for person in sitting_out:
            self.sit_outs[person] += 1
            self.idle[person] += 1

    def reserve(self, table: Sequence[int]) -> None:
        """Mark everyone at ``table`` as having met (also for meetings planned in other rounds)."""
        for i, u in enumerate(table):
            for v in table[i + 1 :]:
                self.met[u].add(v)
                self.met[v].add(u)
                self.blocked[u].add(v)
                self.blocked[v].add(u)

    def release(self, table: Sequence[int]) -> None:
        """Undo :meth:`reserve` for a table that is about to be planned again."""
        for i, u in enumerate(table):
            for v in table[i + 1 :]:
                self.met[u].discard(v)
                self.met[v].discard(u)
                if not self.colleagues(u, v):
                    self.blocked[u].discard(v)
                    self.blocked[v].discard(u)


def choose_seated(
    present: Sequence[int], seats: int, state: PlanState, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Split ``present`` into ``seats`` people to seat and the rest, most-waited first.

    Whoever waited (sat out or sat with the host) most often is seated first, so nobody waits
    twice before everyone waited once. Within the last tied class the split keeps funded and
    unfunded as balanced as possible, because cross-group tables need both.
    Both lists come back in priority order.
    """
    ranked = sorted(present, key=lambda u: (-state.idle[u], rng.random()))
    if seats >= len(ranked):
        return ranked, []
    if seats <= 0:
        return [], ranked
    cut = state.idle[ranked[seats - 1]]
    sure = [u for u in ranked if state.idle[u] > cut]
    tied = [u for u in ranked if state.idle[u] == cut]
    rest = [u for u in ranked if state.idle[u] < cut]
    need = seats - len(sure)
    funded_sure = sum(state.model_project[u] for u in sure)
    unfunded_sure = len(sure) - funded_sure
    tied_funded = [u for u in tied if state.model_project[u]]
    tied_unfunded = [u for u in tied if not state.model_project[u]]
    # min(funded, unfunded) among the seated peaks where both sides are equal.
    ideal = (unfunded_sure + need - funded_sure) // 2
    take = min(max(ideal, need - len(tied_unfunded), 0), len(tied_funded), need)
    chosen = set(tied_funded[:take] + tied_unfunded[: need - take])
    seated = sure + [u for u in tied if u in chosen]
    waiting = [u for u in tied if u not in chosen] + rest
    return seated, waiting
