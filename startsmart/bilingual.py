"""Texts staff write in German and, optionally, in English: which one a reader gets.

Pure (standard library only). German is required and always there; an empty English text means
the German one stands in (on an HTML page marked ``lang="de"``, see
``i18n.in_language``)."""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH = "en"


def choose(german: str, english: str | None, locale: str) -> str:
    """The text for a reader of ``locale``: English where written, else the German one."""
    return english if locale == ENGLISH and english else german


def is_german_fallback(english: str | None, locale: str) -> bool:
    """Does a reader of ``locale`` (not German) get the German text in a foreign page?"""
    return locale != "de" and not (locale == ENGLISH and english)


def versions(record: object, name: str) -> tuple[str, str]:
    """``record.<name>`` and ``<name>_en`` ("" where the record has none) of a model row, the
    snapshot of one in a queued mail, or its facts as a mapping."""
    if isinstance(record, Mapping):
        german, english = record[name], record.get(f"{name}_en")
    else:
        german, english = getattr(record, name), getattr(record, f"{name}_en", "")
    return str(german), str(english or "")


def text_of(record: object, name: str, locale: str) -> str:
    """``record.<name>`` in ``locale``: ``<name>_en`` where the record has one and it is
    written."""
    return choose(*versions(record, name), locale)
