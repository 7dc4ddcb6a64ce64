"""``flask registrations expire``: free seats whose confirmation did not come in time."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart import clock
from startsmart.registrations.service import expire_all

registrations_cli = AppGroup("registrations", help="Registrations.")


@registrations_cli.command("expire")
def expire() -> None:
    """Expire overdue holds on every date and promote from the waiting lists (cron: minutely)."""
    click.echo(f"expired {expire_all(clock.now())} unconfirmed registration(s)")
