"""``flask reminders send``: the reminders of every capability, in one command for the timer."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart import clock
from startsmart.consultations import reminders as consultation_reminders
from startsmart.invitations.outbox import deliver_due
from startsmart.registrations import reminders as registration_reminders

reminders_cli = AppGroup("reminders", help="Reminders before dates and consultations.")


@reminders_cli.command("send")
def send() -> None:
    """Queue every reminder that is due (safe to run every minute, also from several hosts)."""
    now = clock.now()
    queued = registration_reminders.send_due(now) + consultation_reminders.send_due(now)
    if current_app.config["MAIL_DELIVERY"] == "after_commit":
        deliver_due()
    click.echo(f"queued {queued} reminder(s)")
