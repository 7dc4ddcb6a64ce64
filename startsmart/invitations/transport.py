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

    def send(self, sender: str, recipient: str, raw: bytes) -> str:
        """Deliver one message and return the server's answer to it ("250 … queued as …", which
        the relay's log knows it by), or raise DeliveryError with the server's answer."""
        if current_app.extensions["mail"].suppress:
            return "not sent: MAIL_SUPPRESS_SEND"
        sender, recipient = ascii_address(sender), ascii_address(recipient)
        try:
            return _sendmail(self._host(), sender, recipient, raw)
        except smtplib.SMTPServerDisconnected:
            self.close()  # the server dropped an idle connection: one fresh try
            try:
                return _sendmail(self._host(), sender, recipient, raw)
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


def _sendmail(host: smtplib.SMTP, sender: str, recipient: str, raw: bytes) -> str:
    """``smtplib.SMTP.sendmail`` for one recipient, keeping the answer to DATA (sendmail drops
    it). Failures raise the same exceptions sendmail raises."""
    host.ehlo_or_helo_if_needed()
    options = [f"size={len(raw)}"] if host.does_esmtp and host.has_extn("size") else []
    code, answer = host.mail(sender, options)
    if code != 250:
        _reset(host, code)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    code, answer = host.rcpt(recipient)
    if code not in (250, 251):
        _reset(host, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    code, answer = host.data(raw)
    if code != 250:
        _reset(host, code)
        raise smtplib.SMTPDataError(code, answer)
    return f"{code} {_text(answer)}"


def _reset(host: smtplib.SMTP, code: int) -> None:
    # As sendmail does: a 421 means the server is closing the connection, nothing to reset.
    if code == 421:
        host.close()
    else:
        try:
            host.rset()
        except smtplib.SMTPServerDisconnected:
            pass


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
