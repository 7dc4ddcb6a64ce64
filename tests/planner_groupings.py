"""Small speed-dating instances for the planner's exact checks: every municipality grouping."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from startsmart.speed_dating.planner import Participant


def partitions(n: int, largest: int | None = None) -> Iterator[list[int]]:
    """Every way to write n as a sum of sizes, largest first (municipality groupings)."""
    largest = n if largest is None else largest
    if n == 0:
        yield []
        return
    for size in range(min(n, largest), 0, -1):
        for rest in partitions(n - size, size):
            yield [size, *rest]


def grouped(sizes: Sequence[int], funded_towns: int = 0) -> list[Participant]:
    """People by municipality; the first ``funded_towns`` towns are model projects."""
    people = []
    for town, size in enumerate(sizes):
        for _ in range(size):
            people.append(Participant(len(people), f"m{town}", town < funded_towns))
    return people


# Every grouping of 2..12 people; none funded, or the first half of the towns.
SMALL = [
    (sizes, funded)
    for n in range(2, 13)
    for sizes in partitions(n)
    for funded in sorted({0, len(sizes) // 2})
]
