"""Run a module of the app in a child process on the tests' clock.

``python tests/travelled.py MOMENT AT -m flask --app startsmart outbox work`` runs ``python -m
flask …`` with the system time moved to where MOMENT (ISO 8601, with offset) has ticked on to
since the monotonic clock read AT (``elapsed``). time-machine moves only the process it runs
in, and a worker a test starts must see the moment the test sees: the rows it finds were
written at that moment.

The child starts its clock from the parent's offset, not from MOMENT itself: a Python process
takes seconds to start on a busy machine, and children started at MOMENT would lag behind the
test, and behind each other, by their start-up times. Workers comparing leases would then
disagree by seconds (one takes over a batch whose owner still holds it).
"""

from __future__ import annotations

import runpy
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import time_machine


def elapsed() -> float:
    """Seconds on the machine's monotonic clock: the same for every process of the machine
    (Linux CLOCK_MONOTONIC), and never moved by time-machine or a changed system time."""
    return time.monotonic()


def command(moment: datetime, *arguments: str, at: float | None = None) -> list[str]:
    """The command line that runs ``python -m …`` ``arguments`` on a clock that was at
    ``moment`` when ``elapsed()`` read ``at`` (default: now) and has ticked on since."""
    at = elapsed() if at is None else at
    script = str(Path(__file__).resolve())
    return [sys.executable, script, moment.isoformat(), repr(at), *arguments]


def main() -> None:
    if len(sys.argv) < 5 or sys.argv[3] != "-m":
        raise SystemExit("usage: travelled.py MOMENT REAL -m MODULE [ARGUMENT ...]")
    moment = datetime.fromisoformat(sys.argv[1])
    since = timedelta(seconds=elapsed() - float(sys.argv[2]))
    module = sys.argv[4]
    sys.argv = [module, *sys.argv[5:]]
    with time_machine.travel(moment + since, tick=True):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
