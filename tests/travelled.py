"""Run a module of the app in a child process on the tests' clock.

``python tests/travelled.py MOMENT -m flask --app startsmart outbox work`` runs ``python -m
flask …`` with the system time moved to MOMENT (ISO 8601, with offset), ticking on from there.
time-machine moves only the process it runs in, and a worker a test starts must see the moment
the test sees: the rows it finds were written at that moment.
"""

from __future__ import annotations

import runpy
import sys
from datetime import datetime
from pathlib import Path

import time_machine


def command(moment: datetime, *arguments: str) -> list[str]:
    """The command line that runs ``python -m …`` ``arguments`` at ``moment``."""
    return [sys.executable, str(Path(__file__).resolve()), moment.isoformat(), *arguments]


def main() -> None:
    moment = datetime.fromisoformat(sys.argv[1])
    if sys.argv[2] != "-m" or len(sys.argv) < 4:
        raise SystemExit("usage: travelled.py MOMENT -m MODULE [ARGUMENT ...]")
    module = sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    with time_machine.travel(moment, tick=True):
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
