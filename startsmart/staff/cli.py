"""``flask staff …``: manage staff accounts from the shell (the first admin, lost passwords)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart.errors import DomainError
from startsmart.staff import service
from startsmart.staff.models import Role

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--email", prompt=True, help="Login e-mail address.")
@click.option("--name", prompt=True, help="Full name.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
@click.password_option(help="At least 12 characters; prompted for if omitted.")
def create(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = service.create_staff(name, email, Role(role), password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role.value} account {user.email}.")
