"""The KTS mailbox over IMAP (RFC 9051 / 3501, standard library ``imaplib``): list what the
reader has not marked yet, fetch without setting \\Seen, mark what was acted on."""

from __future__ import annotations

import imaplib
import ipaddress
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any

# The keyword on every message the reader acted on; searching for messages without it is how
# a pass finds its work, whoever has read them in a mail client meanwhile.
KEYWORD = "StartSmart"


class MailboxError(RuntimeError):
    """The IMAP server refused something (login, folder, command)."""


class Mailbox:
    """One IMAP connection with the configured folder selected (read-write)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        host = config.get("MAIL_IMAP_HOST")
        if not host:
            raise MailboxError("MAIL_IMAP_HOST is not set: there is no mailbox to read")
        self._config = config
        timeout = float(config["MAIL_IMAP_TIMEOUT"])
        port = int(config["MAIL_IMAP_PORT"])
        self._imap: imaplib.IMAP4
        if config["MAIL_IMAP_SSL"]:
            self._imap = imaplib.IMAP4_SSL(
                host, port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        else:
            self._imap = imaplib.IMAP4(host, port, timeout=timeout)
            if "STARTTLS" in self._imap.capabilities:
                self._imap.starttls(ssl.create_default_context())
            elif not _loopback(host):
                self.close()
                raise MailboxError(
                    f"{host} offers no STARTTLS: the password would cross the network "
                    "unencrypted (set MAIL_IMAP_SSL, or read from a server on this host)"
                )
        try:
            self._ok(
                self._imap.login(config["MAIL_IMAP_USER"] or "", config["MAIL_IMAP_PASSWORD"] or "")
            )
            status, data = self._imap.select(_quoted(config["MAIL_IMAP_FOLDER"]))
            self._ok((status, data))
        except Exception:
            self.close()
            raise
        # Message UIDs are only unique within one UIDVALIDITY of the folder.
        _, validity = self._imap.response("UIDVALIDITY")
        found = _flat(validity)
        self.uidvalidity = int(found[0]) if found and found[0].isdigit() else 0

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._imap.logout()
        except Exception:  # the connection is gone already; nothing to tidy
            pass

    def unmarked(self) -> list[int]:
        """UIDs of the messages without the reader's keyword, oldest first."""
        data = self._ok(self._imap.uid("SEARCH", "UNKEYWORD", KEYWORD, "UNDELETED"))
        return sorted(int(uid) for uid in b" ".join(_flat(data)).split())

    def fetch(self, uid: int) -> bytes | None:
        """The whole message, without marking it \\Seen (BODY.PEEK); None if it is gone."""
        data = self._ok(self._imap.uid("FETCH", str(uid), "(BODY.PEEK[])"))
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None

    def mark(self, uid: int) -> None:
        """Acted on: read, and the keyword so no pass takes it up again."""
        self._ok(self._imap.uid("STORE", str(uid), "+FLAGS", f"(\\Seen {KEYWORD})"))

    @staticmethod
    def _ok(response: tuple[str, Any]) -> Any:
        status, data = response
        if status != "OK":
            raise MailboxError(f"IMAP said {status}: {data!r}")
        return data


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _flat(data: Any) -> list[bytes]:
    return [item for item in data or [] if isinstance(item, bytes)]


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
