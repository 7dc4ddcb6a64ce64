"""``flask feedback send``: the survey mails that are due, for the timer (every minute)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart import clock
from startsmart.feedback import sending
from startsmart.invitations.outbox import deliver_due

feedback_cli = AppGroup("feedback", help="The feedback survey after dates and consultations.")


@feedback_cli.command("send")
def send() -> None:
    """Queue every survey mail that is due (safe every minute, also from several hosts)."""
    queued = sending.send_due(clock.now())
    if current_app.config["MAIL_DELIVERY"] == "after_commit":
        deliver_due()
    click.echo(f"queued {queued} feedback survey(s)")
