"""The whole-site load test in its smoke mode, so that it keeps working as the pages change.

``benchmarks/site_load.py --smoke``: gunicorn (4 workers), an outbox worker and the SMTP sink
on a scratch PostgreSQL database; ten visitors browse, register, book, confirm from their
mail and cancel until each kind of journey has got through once; then every invariant (no
date over capacity, no advisor booked twice, every invitation and cancellation in the sink,
each mail exactly once) and no 5xx. About 20–30 s; its figures mean nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from environment import DATABASE, require

CHECKOUT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.skipif(
        DATABASE != "postgresql", reason="the load test runs gunicorn on PostgreSQL only"
    ),
    pytest.mark.slow,
]


def test_site_load_smoke_run_passes_every_invariant():
    require(GUNICORN.exists(), f"gunicorn is not installed at {GUNICORN} (extra 'server')")
    done = subprocess.run(
        [sys.executable, "benchmarks/site_load.py", "--smoke"],
        cwd=CHECKOUT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "result: OK" in done.stdout
    assert "5xx answers: 0; failed connections: 0" in done.stdout
