"""The reach report's figures as plain tables, computed from plain rows (pure: no Flask, no
SQLAlchemy).

Each figure is a ``Table`` of ``Row``s: a label, a count, and where it makes sense the part of
a whole (``part``/``whole``, shown as a share). A row carries the ``key`` of the list behind
it, so the page links every number to the rows it counts and a chart can be drawn from the
same table later. The municipalities reached are classified here, in Python, from one row per
municipality: the list page filters the same rows with ``in_selection``, so a list always holds
exactly what its number counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

UNKNOWN = ""  # the key part of "not known" (no size class, no degree of urbanisation)


@dataclass(frozen=True)
class Row:
    """One line of a figure: ``count`` things, ``key`` names the list behind them.

    ``part`` of ``whole`` is the share shown beside the count (e.g. Gemeinden reached of all
    Gemeinden of the class); None where no whole makes sense."""

    label: str
    count: int
    key: str
    part: int | None = None
    whole: int | None = None
    extra: int | None = None  # a second count (a topic's participations beside its municipalities)
    mean: float | None = None  # a rating's mean on the 1–5 scale (the satisfaction figure)

    @property
    def share(self) -> float | None:
        return share(self.part, self.whole)


@dataclass(frozen=True)
class Table:
    """A figure of the report: its name (for exports and anchors), title and rows. ``list_kind``
    says which list page the rows link to: municipalities, registrations or consultations."""

    name: str
    title: str
    list_kind: str
    rows: tuple[Row, ...]
    with_share: bool = False
    extra_title: str = ""  # the column of ``Row.extra``; none without it
    part_title: str = ""  # what ``Row.part`` and ``Row.whole`` count, where the table shares
    whole_title: str = ""
    mean_title: str = ""  # the column of ``Row.mean``; none without it

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class Reached:
    """Municipalities reached in the period, alike in every class the report counts: ``count``
    of them (for a list: one, with its ``municipality_id``)."""

    municipality_id: int | None
    state: str
    population_class: str | None
    urbanisation: str | None
    funded: bool
    # An official Gemeinde of the directory (counted in the share of its class).
    in_directory: bool
    # Reached already before the period (in the chosen format).
    returning: bool
    count: int = 1
    # Where they lie (latitude, longitude), for the map; those without coordinates left out.
    places: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Directory:
    """How many Gemeinden of the directory fall into each class: the shares' wholes."""

    by_state: dict[str, int] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    by_urbanisation: dict[str, int] = field(default_factory=dict)
    by_funding: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def share(part: int | None, whole: int | None) -> float | None:
    """``part`` of ``whole`` as a fraction, None where there is no whole to divide by."""
    if part is None or not whole:
        return None
    return part / whole


def rate(hits: int, misses: int) -> float | None:
    """Hits among hits and misses (attendance among those marked), None if nobody was marked."""
    return share(hits, hits + misses)


def percent(value: float | None, locale: str = "de") -> str:
    """A share as people read it: "12,5 %" in German, "12.5%" in English; "–" for none."""
    if value is None:
        return "–"
    text = f"{value * 100:.1f}"
    return f"{text.replace('.', ',')} %" if locale == "de" else f"{text}%"


def class_key(reached: Reached, dimension: str) -> str:
    """The row key of ``reached`` in one breakdown: ``state:BY``, ``class:5k_20k``, ..."""
    if dimension == "state":
        return f"state:{reached.state}"
    if dimension == "class":
        return f"class:{reached.population_class or UNKNOWN}"
    if dimension == "urbanisation":
        return f"urbanisation:{reached.urbanisation or UNKNOWN}"
    if dimension == "funding":
        return f"funding:{'yes' if reached.funded else 'no'}"
    raise ValueError(dimension)


def in_selection(reached: Reached, key: str) -> bool:
    """Whether ``reached`` is counted by the municipality row ``key`` of some table."""
    if key == "reached":
        return True
    if key == "first":
        return not reached.returning
    if key == "returning":
        return reached.returning
    dimension = key.partition(":")[0]
    try:
        return class_key(reached, dimension) == key
    except ValueError:
        return False


def breakdown(
    reached: Sequence[Reached],
    dimension: str,
    labels: Iterable[tuple[str, str]],
    wholes: dict[str, int],
    unknown_label: str,
) -> tuple[Row, ...]:
    """One row per class in ``labels`` (value, label), then "unknown" if any reached has none:
    the municipalities reached, the Gemeinden among them of all Gemeinden of the class."""
    counts: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    for r in reached:
        key = class_key(r, dimension)
        counts[key] += r.count
        if r.in_directory:
            parts[key] += r.count
    rows = []
    for value, label in labels:
        key = f"{dimension}:{value}"
        whole = wholes.get(value, 0)
        if counts[key] or whole:
            rows.append(Row(label, counts[key], key, parts[key], whole))
    unknown = f"{dimension}:{UNKNOWN}"
    if counts[unknown]:
        rows.append(
            Row(unknown_label, counts[unknown], unknown, parts[unknown], wholes.get(UNKNOWN, 0))
        )
    return tuple(rows)


def overview(
    reached: Sequence[Reached], directory_total: int, labels: tuple[str, str, str]
) -> tuple[Row, Row, Row]:
    """All municipalities reached (with their share of all Gemeinden), first-time, returning;
    ``labels`` in that order."""
    total = sum(r.count for r in reached)
    first = sum(r.count for r in reached if not r.returning)
    in_directory = sum(r.count for r in reached if r.in_directory)
    return (
        Row(labels[0], total, "reached", in_directory, directory_total),
        Row(labels[1], first, "first"),
        Row(labels[2], total - first, "returning"),
    )
