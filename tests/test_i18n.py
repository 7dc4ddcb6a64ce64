"""German by default, English on request; every German text in code and templates has its
English translation, with the same placeholders, compiled."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string

import startsmart
from startsmart.i18n import berlin_datetime
from startsmart.translate_cli import EXTRA_KEYWORDS, MAPPING, ROOT
from support import text

CATALOGUE = Path(startsmart.__file__).parent / "translations" / "en" / "LC_MESSAGES"
HOW_TO_FIX = (
    "run 'flask --app startsmart translate update', give every listed entry its English text in "
    "startsmart/translations/en/LC_MESSAGES/messages.po, then 'flask --app startsmart translate "
    "compile'"
)
# %(name)s-style and bare %s-style conversions, and the {name} slots a script fills in.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w+\}")


def test_pages_are_german_by_default(client):
    page = text(client.get("/"))
    assert '<html lang="de">' in page
    assert "Vier Angebote für Ihre Kommune" in page


def test_switching_to_english_and_back(client):
    response = client.get("/sprache/en?next=/angebote/")
    assert response.status_code == 302 and response.headers["Location"] == "/angebote/"
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    assert "Four offerings for your municipality" in page
    client.get("/sprache/de")
    assert "Vier Angebote für Ihre Kommune" in text(client.get("/"))


def test_language_switch_never_leads_off_site(client):
    response = client.get("/sprache/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_unknown_language_is_ignored(client):
    client.get("/sprache/xx")
    assert '<html lang="de">' in text(client.get("/"))


def test_dates_are_written_the_german_or_the_british_way(app):
    day = date(2026, 12, 16)
    page = "{{ d|date('medium') }} · {{ d|date('long') }} · {{ d|date('full') }}"
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        english = render_template_string(page, d=day)
    with app.test_request_context():
        german = render_template_string(page, d=day)
    assert english == "16 Dec 2026 · 16 December 2026 · Wednesday, 16 December 2026"
    assert german == "16.12.2026 · 16. Dezember 2026 · Mittwoch, 16. Dezember 2026"


def test_times_in_messages_follow_the_language_and_berlin_summer_time(app):
    moment = datetime(2026, 7, 1, 8, 5, tzinfo=UTC)  # 10:05 in Berlin (CEST)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        english = berlin_datetime(moment, "short"), berlin_datetime(moment, "weekday_short")
    with app.test_request_context():
        german = berlin_datetime(moment, "short"), berlin_datetime(moment, "weekday_short")
    assert english == ("01/07/2026, 10:05", "Wed, 01/07/2026, 10:05")
    assert german == ("01.07.2026, 10:05", "Mi., 01.07.2026, 10:05")


def test_english_catalogue_is_complete_and_compiled():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = [
        m.id
        for m in catalogue
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)

    # The shipped .mo must say what the .po says: nobody forgot 'flask translate compile'.
    # (read_mo gives plural forms as lists, read_po as tuples.)
    def frozen(value):
        return tuple(value) if isinstance(value, list) else value

    def entries(messages):
        return {frozen(m.id): frozen(m.string) for m in messages if m.id}

    assert entries(compiled) == entries(catalogue)


@cache
def source_texts() -> Catalog:
    """Every text marked for translation in code and templates, extracted the way
    'flask translate update' does it (same babel.cfg, same keywords), but read fresh from the
    files: a text added without updating the catalogue shows up here."""
    with open(MAPPING, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, **dict.fromkeys(EXTRA_KEYWORDS)}
    catalogue = Catalog()
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=keywords,
        directory_filter=lambda path: (
            Path(path).name not in {"node_modules", "tests"}
            and not Path(path).name.startswith((".", "_"))
        ),
    ):
        catalogue.add(message, None, [(filename, lineno)], context=context)
    return catalogue


@cache
def english() -> Catalog:
    with open(CATALOGUE / "messages.po", "rb") as handle:
        return read_po(handle)


def where(message) -> str:
    return ", ".join(f"{name}:{line}" for name, line in message.locations[:2])


def test_the_extraction_sees_code_templates_and_mails():
    found = {name.split("/")[0] for m in source_texts() for name, _line in m.locations}
    assert found == {"startsmart", "templates"}
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in source_texts()}
    # one text each from Python (lazy and plain), a page, a plural and a mail template
    assert {
        "Bitte füllen Sie dieses Feld aus.",
        "Die Änderungen sind gespeichert.",
        "Vier Angebote für Ihre Kommune",
        "%(num)d Platz frei",
        "Bitte bestätigen Sie Ihre Anmeldung: %(title)s",
    } <= ids


def test_every_german_text_has_an_english_translation():
    problems = []
    for message in source_texts():
        if not message.id:
            continue
        entry = english().get(message.id, message.context)
        if entry is None:
            problems.append(f"missing: {message.id!r} ({where(message)})")
        elif entry.id != message.id:
            problems.append(f"plural forms changed: {message.id!r} ({where(message)})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        else:
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            wanted = english().num_plurals if message.pluralizable else 1
            if len(forms) != wanted or not all(forms):
                problems.append(f"not translated: {message.id!r} ({where(message)})")
    assert problems == [], f"{len(problems)} texts without English; {HOW_TO_FIX}:\n" + "\n".join(
        problems
    )


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_translations_keep_the_placeholders_of_the_german_text():
    """A missing or misspelt %(name)s crashes the page or drops a value; an English singular
    may leave out the number (\"once\", \"within the last month\"), nothing else."""
    wrong = []
    for entry in english():
        if not entry.id or not entry.string:
            continue
        if isinstance(entry.id, str):
            if placeholders(entry.string) != placeholders(entry.id):
                wrong.append((entry.id, entry.string))
            continue
        singular, plural = entry.id
        allowed = placeholders(singular) | placeholders(plural)
        for index, form in enumerate(entry.string):
            source = singular if index == 0 else plural
            needed = placeholders(source) - {"%(num)d"}
            if not needed <= placeholders(form) <= allowed:
                wrong.append((source, form))
    assert wrong == []


def test_the_placeholder_check_notices_a_lost_or_changed_placeholder():
    assert placeholders("Tisch %(n)d: %(name)s, {shown}") == {"%(n)d", "%(name)s", "{shown}"}
    assert placeholders("Table %(n)s") != placeholders("Tisch %(n)d")
    assert placeholders("100 %") == set()
