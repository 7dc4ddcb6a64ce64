"""The README's first command, ``bash .ci/start``, on another port (``PORT=…``): the app comes up
with its demo data, prints the staff logins, and every link it hands out (calendar subscription,
links in mails and on printed cards) points to that port, not to the default 5000.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # installs (a no-op when up to date), migrates, loads demo data


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_until_up(process: subprocess.Popen, url: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.read().decode()
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f".ci/start did not serve {url}:\n{process.communicate()[0][-4000:]}")


def test_start_on_another_port_links_to_that_port(tmp_path):
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("STARTSMART_")
    }
    environment |= {"PORT": str(port), "STARTSMART_INSTANCE_PATH": str(tmp_path)}
    process = subprocess.Popen(
        ["bash", ".ci/start"],
        cwd=CHECKOUT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # the debug server's reloader is a child of its own
    )
    try:
        page = read_until_up(process, f"http://127.0.0.1:{port}/angebote/", 240)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    subscribe = re.search(r'href="(webcal://[^"]+)"', page)
    assert subscribe, page[-3000:]
    assert subscribe.group(1).startswith(f"webcal://127.0.0.1:{port}/"), subscribe.group(1)
    assert "admin@kts.example" in output and f"http://127.0.0.1:{port}/" in output
    assert ":5000" not in page
