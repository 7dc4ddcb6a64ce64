"""Span arithmetic on instants for the slot calculator: union, merge, subtract, cover.

Spans are half-open [low, high) in integer microseconds (``availability.Micros``); windows carry
the channels they offer as a third element. Standard library only.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import pairwise
from typing import TypeAlias

from startsmart.consultations.availability import Micros, Window

Span: TypeAlias = tuple[Micros, Micros]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sorted, disjoint spans; overlapping or touching ones joined."""
    merged: list[Span] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged


def union_windows(windows: list[Window]) -> list[Window]:
    """Sorted, disjoint segments; where windows overlap, a segment offers all their channels."""
    segments: list[Window] = []
    group: list[Window] = []
    group_end = 0
    for window in sorted(windows, key=lambda window: window[0]):
        if group and window[0] < group_end:
            group.append(window)
            group_end = max(group_end, window[1])
            continue
        _split_overlapping(group, segments)
        group, group_end = [window], window[1]
    _split_overlapping(group, segments)
    return segments


def _split_overlapping(group: list[Window], segments: list[Window]) -> None:
    # Overlaps are rare (an extra window over weekly hours), so the quadratic split is fine.
    if len(group) == 1:
        segments.append(group[0])
        return
    edges = sorted({edge for window in group for edge in window[:2]})
    for low, high in pairwise(edges):
        channels = frozenset().union(*(w[2] for w in group if w[0] < high and w[1] > low))
        if segments and segments[-1][1] == low and segments[-1][2] == channels:
            segments[-1] = (segments[-1][0], high, channels)
        else:
            segments.append((low, high, channels))


def subtract_spans(segments: list[Window], blocked: list[Span]) -> list[Window]:
    """Segments minus sorted disjoint blocked spans, by one pass over both."""
    remaining: list[Window] = []
    first_relevant = 0
    for low, high, channels in segments:
        while first_relevant < len(blocked) and blocked[first_relevant][1] <= low:
            first_relevant += 1
        cursor, index = low, first_relevant
        while index < len(blocked) and blocked[index][0] < high and cursor < high:
            block_low, block_high = blocked[index]
            if block_low > cursor:
                remaining.append((cursor, block_low, channels))
            cursor = max(cursor, block_high)
            index += 1
        if cursor < high:
            remaining.append((cursor, high, channels))
    return remaining


def covering_channels(segments: list[Window], low: Micros, high: Micros) -> frozenset[str] | None:
    """Channels offered throughout [low, high), or None if the segments leave a gap in it."""
    index = bisect_right(segments, low, key=lambda segment: segment[0]) - 1
    if index < 0 or segments[index][1] <= low:
        return None
    channels, reach = segments[index][2], segments[index][1]
    while reach < high:
        index += 1
        if index == len(segments) or segments[index][0] != reach:
            return None
        channels &= segments[index][2]
        reach = segments[index][1]
    return channels
