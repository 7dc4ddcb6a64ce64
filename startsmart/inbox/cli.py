"""``flask mail fetch``: read the KTS mailbox continuously (``--once``: one pass, for cron)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart import clock
from startsmart.extensions import db
from startsmart.inbox.service import Reader, Report, read_mailbox
from startsmart.stop_signal import StopSignal

mail_cli = AppGroup("mail", help="The KTS mailbox: calendar replies and bounces.")


@mail_cli.command("fetch")
@click.option("--once", is_flag=True, help="One pass over the mailbox, then stop (cron).")
@click.option("--idle", default=30.0, show_default=True, help="Seconds between passes.")
def fetch(once: bool, idle: float) -> None:
    """Act on calendar replies and bounces in the mailbox until SIGTERM or SIGINT."""
    if not current_app.config.get("MAIL_IMAP_HOST"):
        raise click.ClickException(
            "STARTSMART_MAIL_IMAP_HOST is not set: there is no mailbox to read (README)"
        )
    if once:
        _echo(read_mailbox(current_app.config, clock.now()))
        return
    signals = StopSignal()
    reader = Reader()
    click.echo(f"mail reader started: {current_app.config['MAIL_IMAP_FOLDER']} every {idle} s")
    while not signals.stopping:
        try:
            report = read_mailbox(current_app.config, clock.now(), reader)
            if report.seen:
                _echo(report)
        except Exception:  # the IMAP server or the database restarted, say: log, wait, go on
            current_app.logger.exception("mailbox pass failed")
            db.session.rollback()
        waited = 0.0
        while waited < idle and not signals.stopping:
            time.sleep(min(1.0, idle))
            waited += 1.0
    click.echo("mail reader stopped")


def _echo(report: Report) -> None:
    click.echo(f"acted on {report.done}, left for people {report.left}, broken {report.broken}")
    for line in report.lines:
        click.echo(f"  {line}")
