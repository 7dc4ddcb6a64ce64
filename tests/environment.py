"""What the test run may use, and what happens when it is missing.

On a developer machine a missing PostgreSQL or Chromium skips the tests that need it, with the
reason; under CI (CI=true) the same absence fails them, so a green CI run means everything ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"

# Which database this run uses: "sqlite" (default) or "postgresql". The suite runs once per value.
DATABASE = os.environ.get("STARTSMART_TEST_DATABASE", "sqlite")
# A maintenance connection on the PostgreSQL server; each test worker creates its own database.
POSTGRES_ADMIN_URL = os.environ.get(
    "STARTSMART_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def require(available: bool, reason: str) -> None:
    """Skip without ``available`` on a developer machine; fail under CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
