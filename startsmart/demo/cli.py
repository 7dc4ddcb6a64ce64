"""``flask demo load``: realistic data for a first look; refused in production."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from startsmart import clock
from startsmart.demo import content
from startsmart.demo.service import load_demo

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load() -> None:
    """Load demo data into an empty database and print the staff logins."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("Demo data is never loaded in production.")
    summary = load_demo(clock.now())
    if summary is None:
        click.echo("The database already holds data; demo data was not loaded again.")
    else:
        click.echo(
            f"Loaded {summary.offerings} offerings, {summary.dates} dates, "
            f"{summary.municipalities} municipalities and {summary.staff} staff accounts."
        )
    click.echo("\nDemo staff logins (e-mail / password):")
    for email, _name, role, password in content.STAFF:
        click.echo(f"  {role.label:<20} {email:<30} {password}")
