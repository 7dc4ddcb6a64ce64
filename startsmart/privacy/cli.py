"""``flask privacy purge``: anonymise personal data past its retention period (daily timer)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart import clock
from startsmart.privacy.service import purge

privacy_cli = AppGroup("privacy", help="Personal data.")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Anonymise registrations, consultations, mails and audit details past retention."""
    report = purge(clock.now())
    for line in report.lines():
        click.echo(line)
