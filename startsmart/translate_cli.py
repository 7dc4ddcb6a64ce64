"""``flask translate …``: keep the English catalogue in step with the German source texts.

German texts are the message ids; English is the one translation. After changing texts:
``flask translate update``, fill in ``messages.po``, then ``flask translate compile``.
"""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import AppGroup

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"

translate_cli = AppGroup("translate", help="Translation catalogues.")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@translate_cli.command("update")
def update() -> None:
    """Extract the texts from code and templates and merge them into the catalogues."""
    _pybabel(
        "extract",
        "-F",
        str(TRANSLATIONS / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--project",
        "startsmart",
        "-o",
        str(TEMPLATE),
        str(ROOT),
    )
    catalogue = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    if catalogue.exists():
        _pybabel(
            "update",
            "-i",
            str(TEMPLATE),
            "-d",
            str(TRANSLATIONS),
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        )
    else:
        _pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", "en")
    click.echo(
        f"Updated {catalogue}; translate the empty entries, then run 'flask translate compile'."
    )


@translate_cli.command("compile")
def compile_catalogues() -> None:
    """Compile the .po catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
