"""``flask municipalities import [FILE]``: the official municipality directory; ``match``: typed
municipalities onto their directory entries (also run at the end of ``import``)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from startsmart import clock
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import (
    ATTRIBUTION,
    SHIPPED_EXTRACT,
    BadExtract,
)
from startsmart.municipalities.matching import match
from startsmart.municipalities.model_projects import SHIPPED_LIST, import_model_projects

municipalities_cli = AppGroup("municipalities", help="The official municipality directory.")


@municipalities_cli.command("import")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(file: Path | None) -> None:
    """Load the Destatis Gemeindeverzeichnis (the shipped 2020 extract unless FILE names a
    newer one: the CSV extract of the same layout or GV100AD_DDMMYYYY.txt, told apart by
    content); a second run changes nothing."""
    path = file or SHIPPED_EXTRACT
    started = time.perf_counter()
    try:
        report = import_directory(path, clock.now())
    except BadExtract as error:
        raise click.ClickException(f"{path.name}, {error}; nothing was imported.") from None
    click.echo(
        f"{path.name}: {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.gone} gone "
        f"({time.perf_counter() - started:.1f} s)\n{ATTRIBUTION}"
    )
    if report.kept:
        click.echo(f"Not in this file, kept as they were: {', '.join(sorted(report.kept))}")
    # A newer extract may bring entries that typed municipalities turn out to be.
    _match_and_report()


@municipalities_cli.command("match")
def match_command() -> None:
    """Merge each typed municipality into the one directory entry of its Land with its name;
    list those whose name fits several (for staff to decide). A second run changes nothing."""
    _match_and_report()


def _match_and_report() -> None:
    report = match(clock.now())
    click.echo(
        f"Typed municipalities: {report.merged} merged into their directory entry, "
        f"{len(report.ambiguous)} ambiguous (for staff: /staff/kommunen/mehrdeutig), "
        f"{report.unmatched} not in the directory"
    )
    for line in report.ambiguous:
        click.echo(f"  ambiguous: {line}")


@municipalities_cli.command("import-mpsc")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_mpsc_command(file: Path | None) -> None:
    """Record the Modellprojekte Smart Cities with their members (the shipped list unless
    FILE); run after `import`. Lists the names it could not match; keeps staff corrections."""
    report = import_model_projects(file or SHIPPED_LIST, clock.now())
    click.echo(
        f"{report.projects} model projects ({report.new_projects} new): "
        f"{report.matched} places matched, {report.new_members} new members, "
        f"{report.newly_marked} newly marked, {report.unmarked} unmarked, "
        f"{len(report.unmatched)} not matched"
    )
    for line in report.unmatched:
        click.echo(f"  not matched: {line}")
