"""Parse iCalendar text with ical.js, the parser inside Thunderbird (node + npm package)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from environment import require

JS_DIR = Path(__file__).parent / "invitations" / "js"


def parse_with_icaljs(data: bytes) -> dict:
    """What a Thunderbird-like client reads from ``data`` (see invitations/js/parse.mjs)."""
    node = shutil.which("node")
    require(node is not None, "node is not on PATH; the ical.js checks need it")
    require(
        (JS_DIR / "node_modules" / "ical.js").is_dir(),
        "ical.js is not installed: run `npm ci` in tests/invitations/js",
    )
    result = subprocess.run(
        [node, str(JS_DIR / "parse.mjs")], input=data, capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return json.loads(result.stdout)
