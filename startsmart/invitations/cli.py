"""``flask outbox send`` (one pass, for cron) and ``flask outbox work`` (long-running)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart.extensions import db
from startsmart.invitations.outbox import deliver_due, worker_name
from startsmart.stop_signal import StopSignal

outbox_cli = AppGroup("outbox", help="The mail outbox.")


@outbox_cli.command("send")
def send() -> None:
    """Deliver every message that is due, then stop."""
    report = deliver_due()
    click.echo(f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}")
    for line in report.errors:
        click.echo(f"  {line}", err=True)


@outbox_cli.command("work")
@click.option("--idle", default=2.0, show_default=True, help="Seconds to wait when idle.")
def work(idle: float) -> None:
    """Deliver messages continuously until SIGTERM or SIGINT (finishes the current batch)."""
    signals = StopSignal()
    name = worker_name()
    config = current_app.config
    click.echo(
        f"outbox worker {name} started: batches of {config['OUTBOX_BATCH_SIZE']}, "
        f"lease {config['OUTBOX_LEASE_SECONDS']} s"
    )
    while not signals.stopping:
        try:
            report = deliver_due(worker=name, max_batches=1)
        except Exception:  # the database restarted, say: log, wait, carry on
            current_app.logger.exception("outbox pass failed")
            db.session.rollback()
            report = None
        if report is None or report.attempted == 0:
            time.sleep(idle)
    click.echo(f"outbox worker {name} stopped")
