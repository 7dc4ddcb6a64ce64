"""``flask staff …``: manage staff accounts from the shell (the first admin, lost passwords)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from startsmart import clock
from startsmart.errors import DomainError
from startsmart.staff import second_factor, service
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
@click.password_option(
    help="At least 12 characters, not easy to guess, without the name or address; "
    "prompted for if omitted."
)
def create(email: str, name: str, role: str, password: str) -> None:
    """Create a staff account."""
    try:
        user = service.create_staff(name, email, Role(role), password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role.value} account {user.email}.")


@staff_cli.command("reset-second-factor")
@click.option("--email", prompt=True, help="Login e-mail address of the account.")
def reset_second_factor(email: str) -> None:
    """Remove an account's second factor (lost phone and recovery codes, no other admin);
    the person sets it up again at the next sign-in."""
    user = service.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No staff account with the address {email!r}.")
    second_factor.reset(None, user, clock.now())
    click.echo(f"Second factor of {user.email} removed; it is set up again at the next sign-in.")
