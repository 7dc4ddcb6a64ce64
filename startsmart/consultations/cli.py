"""``flask consultations expire``: release slots whose booking was not confirmed in time."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart import clock
from startsmart.consultations.booking import expire_all

consultations_cli = AppGroup("consultations", help="Initial consultations.")


@consultations_cli.command("expire")
def expire() -> None:
    """Mark unconfirmed bookings past their hold as expired and tell the municipality."""
    click.echo(f"expired {expire_all(clock.now())} unconfirmed booking(s)")
