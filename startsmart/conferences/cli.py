"""``flask conferences send-documentation``: the mail "the documentation is online", for the
timer (as often as ``flask feedback send``)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart import clock
from startsmart.conferences import documentation
from startsmart.invitations.outbox import deliver_due

conferences_cli = AppGroup("conferences", help="Regional conferences.")


@conferences_cli.command("send-documentation")
def send_documentation() -> None:
    """Queue the documentation mails that are due (safe every minute, also from several
    hosts: each participant gets one)."""
    queued = documentation.send_due(clock.now())
    if current_app.config["MAIL_DELIVERY"] == "after_commit":
        deliver_due()
    click.echo(f"queued {queued} documentation mail(s)")
