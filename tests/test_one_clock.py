"""One clock: the app reads the time only through ``startsmart.clock.now()``, the tests only
through the clock that ``tests/conftest.py`` moves (``clock.now()``, ``travel``, tests/moments.py).

A direct reading of the system's wall clock anywhere else is how a suite comes to pass on
Wednesdays and fail on Sundays. Durations (``time.monotonic``, ``time.perf_counter``) are fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (module or class, attribute): calls that read the wall clock.
WALL_CLOCK = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
}
ALLOWED = {ROOT / "startsmart" / "clock.py"}


def wall_clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK and not (
                node.func.attr in {"localtime", "gmtime", "ctime"} and node.args
            ):
                found.append(f"{where}:{node.lineno}: {name}.{node.func.attr}()")
        if isinstance(node, ast.ImportFrom) and node.module in {"time", "datetime"}:
            for alias in node.names:
                if (node.module, alias.name) in WALL_CLOCK:
                    found.append(f"{where}:{node.lineno}: from {node.module} import {alias.name}")
    return found


@pytest.mark.parametrize("folder", ["startsmart", "tests", "benchmarks"])
def test_nothing_reads_the_wall_clock_but_the_clock(folder):
    reads = [
        read
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path not in ALLOWED and "node_modules" not in path.parts
        for read in wall_clock_reads(path)
    ]
    assert reads == [], "read the time from startsmart.clock.now() instead:\n" + "\n".join(reads)


def test_the_check_finds_a_wall_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import time\nfrom datetime import date, datetime, UTC\n"
        "a = datetime.now(UTC)\nb = date.today()\nc = time.time()\nd = time.monotonic()\n"
        "e = time.localtime(0)\n"
    )
    reads = wall_clock_reads(sample)
    assert [read.split(": ", 1)[1] for read in reads] == [
        "datetime.now()",
        "date.today()",
        "time.time()",
    ]


def test_every_test_runs_on_the_moved_clock(travel):
    from moments import moment_of_this_run
    from startsmart import clock

    assert abs((clock.now() - moment_of_this_run()).total_seconds()) < 60
