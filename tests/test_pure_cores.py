"""The pure cores import neither Flask nor SQLAlchemy: they can be tested and timed alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PURE_CORES = [
    "startsmart.clock",
    "startsmart.municipalities.ags",
    "startsmart.municipalities.folding",
    "startsmart.municipalities.gemeindeverzeichnis",
    "startsmart.municipalities.gv100ad",
    "startsmart.municipalities.next_step",
    "startsmart.invitations.ical",
    "startsmart.invitations.addresses",
    "startsmart.consultations.slots",
    "startsmart.consultations.week_view",
    "startsmart.search.fold",
    "startsmart.feedback.figures",
    "startsmart.reports.figures",
    "startsmart.reports.germany_map",
    "startsmart.inbox.letters",
    "startsmart.speed_dating.planner",
    "startsmart.speed_dating.planner.plan",
    "startsmart.speed_dating.planner.quality",
    "startsmart.speed_dating.round_clock",
    "startsmart.speed_dating.screens",
    "startsmart.bilingual",
]
FORBIDDEN = ["flask", "flask_sqlalchemy", "flask_babel", "flask_login", "sqlalchemy", "werkzeug"]


@pytest.mark.parametrize("module", PURE_CORES)
def test_pure_core_imports_without_flask_or_sqlalchemy(module):
    path = ROOT / module.replace(".", "/")
    if not (path.with_suffix(".py").exists() or (path / "__init__.py").exists()):
        pytest.fail(f"{module} is listed as a pure core but does not exist")
    # A fresh interpreter in which importing any forbidden package raises ImportError.
    code = (
        "import sys\n"
        + "".join(f"sys.modules[{name!r}] = None\n" for name in FORBIDDEN)
        + f"import {module}\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
