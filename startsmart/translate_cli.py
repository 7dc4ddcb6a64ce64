"""``flask translate …``: keep the English catalogue in step with the German source texts.

German texts are the message ids; English is the one translation. After changing texts:
``flask translate update``, fill in ``messages.po``, then ``flask translate compile``.
"""

from __future__ import annotations

from pathlib import Path

import click
from babel.messages.catalog import Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from flask.cli import AppGroup

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
TRANSLATIONS = PACKAGE / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
MAPPING = TRANSLATIONS / "babel.cfg"
# Marker functions beyond Babel's defaults (_, gettext, ngettext …); tests/test_i18n.py extracts
# with the same list, so its check sees exactly what 'update' sees.
EXTRA_KEYWORDS = ("_l", "lazy_gettext")

translate_cli = AppGroup("translate", help="Translation catalogues.")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


@translate_cli.command("update")
def update() -> None:
    """Extract the texts from code and templates and merge them into the catalogues."""
    _pybabel(
        "extract",
        "-F",
        str(MAPPING),
        *(arg for keyword in EXTRA_KEYWORDS for arg in ("-k", keyword)),
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
    with open(catalogue, "rb") as handle:
        open_entries = [m for m in read_po(handle) if m.id and not _translated(m)]
    if open_entries:
        click.echo(
            f"Updated {catalogue}: {len(open_entries)} entries without English text. Translate "
            "them (empty msgstr), then run 'flask translate compile'."
        )
    else:
        click.echo(f"Updated {catalogue}: every entry has its English text.")


def _translated(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms) and not message.fuzzy


@translate_cli.command("compile")
def compile_catalogues() -> None:
    """Compile the .po catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")
