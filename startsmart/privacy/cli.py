"""``flask privacy purge``: anonymise personal data past its retention period (daily timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart.database import utcnow
from startsmart.privacy.service import purge

privacy_cli = AppGroup("privacy", help="Personal data.")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Anonymise registrations, consultations, mails and audit details past retention."""
    report = purge(utcnow())
    for line in report.lines():
        click.echo(line)
