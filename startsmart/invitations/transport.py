"""Handing finished messages to the SMTP server (settings from Flask-Mail), or to files."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_mail import Connection

from startsmart.email_address import ascii_address


class DeliveryError(Exception):
    """The server did not take the message. ``permanent`` (5xx) means: do not try again."""

    def __init__(self, answer: str, permanent: bool):
        super().__init__(answer)
        self.answer = answer
        self.permanent = permanent


class _TimedConnection(Connection):
    # Flask-Mail opens smtplib connections without a timeout; a hung relay would hang the worker.
    def configure_host(self) -> smtplib.SMTP:
        mail = self.mail
        timeout = current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if mail.use_ssl else smtplib.SMTP
        host = smtp_class(mail.server, mail.port, timeout=timeout)
        if mail.use_tls:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host


@dataclass
class SmtpSession:
    """One SMTP connection for a batch of messages (opened lazily, reopened once if dropped)."""

    _connection: _TimedConnection | None = None

    def send(self, sender: str, recipient: str, raw: bytes) -> None:
        """Deliver one message or raise DeliveryError with the server's answer."""
        if current_app.extensions["mail"].suppress:
            return
        recipient = ascii_address(recipient)
        try:
            self._host().sendmail(sender, [recipient], raw)
        except smtplib.SMTPServerDisconnected:
            self.close()  # the server dropped an idle connection: one fresh try
            try:
                self._host().sendmail(sender, [recipient], raw)
            except (smtplib.SMTPException, OSError) as error:
                self.close()
                raise _delivery_error(error) from error
        except (smtplib.SMTPException, OSError) as error:
            if not isinstance(error, smtplib.SMTPRecipientsRefused):
                self.close()
            raise _delivery_error(error) from error

    def _host(self) -> smtplib.SMTP:
        if self._connection is None or self._connection.host is None:
            self._connection = _TimedConnection(current_app.extensions["mail"])
            self._connection.__enter__()
        host = self._connection.host
        assert host is not None  # __enter__ has just opened it, or it was open
        return host

    def close(self) -> None:
        if self._connection is not None and self._connection.host is not None:
            try:
                self._connection.host.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.host.close()
        self._connection = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _delivery_error(error: Exception) -> DeliveryError:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
        return DeliveryError(f"{code} {_text(answer)}", permanent=500 <= code < 600)
    if isinstance(error, smtplib.SMTPResponseException):
        # A 5xx on login means our configuration is wrong, not the message: keep retrying.
        permanent = 500 <= error.smtp_code < 600 and not isinstance(
            error, smtplib.SMTPAuthenticationError
        )
        return DeliveryError(f"{error.smtp_code} {_text(error.smtp_error)}", permanent=permanent)
    if isinstance(error, ConnectionRefusedError | socket.timeout | TimeoutError):
        return DeliveryError(f"SMTP server not reachable: {error}", permanent=False)
    return DeliveryError(f"{type(error).__name__}: {error}", permanent=False)


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def drop_file(directory: Path, name: str, raw: bytes) -> Path:
    """Write the message as an .eml file a mail client can open (development)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.eml"
    path.write_bytes(raw)
    return path
