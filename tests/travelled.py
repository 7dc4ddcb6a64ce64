"""Run a module of the app in a child process on the tests' clock.

``python tests/travelled.py MOMENT REAL -m flask --app startsmart outbox work`` runs ``python
-m flask …`` with the system time moved to where MOMENT (ISO 8601, with offset) has ticked on to
since the real time REAL (seconds since the epoch). time-machine moves only the process it runs
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
from datetime import UTC, datetime
from pathlib import Path

import time_machine


def real_time() -> float:
    """Seconds since the epoch by the machine's own clock, also while a test travels."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.time.time()
    return time.time()


def command(moment: datetime, *arguments: str, real: float | None = None) -> list[str]:
    """The command line that runs ``python -m …`` ``arguments`` on a clock that was at
    ``moment`` at the real time ``real`` (default: now) and has ticked on since."""
    real = real_time() if real is None else real
    script = str(Path(__file__).resolve())
    return [sys.executable, script, moment.isoformat(), repr(real), *arguments]


def main() -> None:
    if len(sys.argv) < 5 or sys.argv[3] != "-m":
        raise SystemExit("usage: travelled.py MOMENT REAL -m MODULE [ARGUMENT ...]")
    moment = datetime.fromisoformat(sys.argv[1])
    offset = moment.timestamp() - float(sys.argv[2])
    module = sys.argv[4]
    sys.argv = [module, *sys.argv[5:]]
    with time_machine.travel(datetime.fromtimestamp(time.time() + offset, UTC), tick=True):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
