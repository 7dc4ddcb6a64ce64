"""The mailbox reader's tests run against a real Dovecot (tests/dovecot.py): each test gets a
folder of its own in the test user's mailbox and puts messages there with IMAP APPEND."""

from __future__ import annotations

import imaplib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import dovecot
from environment import require


@pytest.fixture(scope="session")
def dovecot_url() -> Iterator[str | None]:
    """``STARTSMART_TEST_IMAP_URL`` (``.ci/test`` starts one Dovecot for the run), else a
    Dovecot of this test worker's own if the binary is installed, else None."""
    address = os.environ.get("STARTSMART_TEST_IMAP_URL")
    if address or dovecot.binary() is None:
        yield address
        return
    # Not under pytest's temporary folder: that is private to its owner, and the mail
    # processes run as Dovecot's own user when the tests run as root.
    folder = Path(tempfile.mkdtemp(prefix="startsmart-dovecot-"))
    address, process = dovecot.start(folder, foreground=True)
    assert process is not None
    try:
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


class TestMailbox:
    """The test's folder, seen from the outside (as the sender of replies and a human would)."""

    __test__ = False

    def __init__(self, address: str, folder: str) -> None:
        parts = urlsplit(address)
        self.folder = folder
        self._imap = imaplib.IMAP4(parts.hostname or "127.0.0.1", parts.port or 143, timeout=10)
        self._imap.login(parts.username or "", parts.password or "")
        self._quoted = f'"{folder}"'
        assert self._imap.create(self._quoted)[0] == "OK"

    def append(self, raw: bytes) -> None:
        status, data = self._imap.append(self._quoted, None, None, raw)
        assert status == "OK", data

    def flags(self) -> list[set[str]]:
        """The flags of every message in the folder, in order."""
        self._imap.select(self._quoted, readonly=True)
        status, data = self._imap.fetch("1:*", "(FLAGS)")
        assert status == "OK", data
        found = []
        for item in data:
            if isinstance(item, bytes) and b"FLAGS (" in item:
                inside = item.split(b"FLAGS (", 1)[1].split(b")", 1)[0].decode()
                found.append(set(inside.split()) - {"\\Recent"})
        return found

    def close(self) -> None:
        try:
            self._imap.select("INBOX")
            self._imap.delete(self._quoted)
        finally:
            self._imap.logout()


@pytest.fixture
def mailbox(app, dovecot_url, monkeypatch) -> Iterator[TestMailbox]:
    require(
        dovecot_url is not None,
        "Dovecot is not installed (sudo apt-get install dovecot-imapd) and "
        "STARTSMART_TEST_IMAP_URL is not set",
    )
    assert dovecot_url is not None
    folder = f"test-{uuid.uuid4().hex[:12]}"
    for name, value in dovecot.settings(dovecot_url).items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.setitem(app.config, "MAIL_IMAP_FOLDER", folder)
    box = TestMailbox(dovecot_url, folder)
    yield box
    box.close()
