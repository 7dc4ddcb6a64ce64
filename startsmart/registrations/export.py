"""CSV for German Excel: UTF-8 with BOM, semicolons, CRLF, Berlin times, no live formulas.

Pure: takes plain rows (str, int, bool, datetime, None), returns bytes. Excel reads a file
without BOM as Windows-1252 and splits on the list separator, which is ";" in German locales.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from startsmart.clock import BERLIN

# A cell starting with one of these is a formula to Excel or LibreOffice (CSV injection);
# a leading apostrophe makes it plain text and is not shown. Line breaks, and the full-width
# signs an input method may type, count too; so do spaces before any of them (a spreadsheet
# may trim them on import).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

Cell = str | int | bool | datetime | None


def cell_text(value: Cell, yes: str = "ja", no: str = "nein") -> str:
    """One cell as text: times in Berlin as dd.mm.yyyy HH:MM, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, datetime):
        return value.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.lstrip(" \u00a0").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], yes: str = "ja", no: str = "nein"
) -> bytes:
    """The whole file: header row, then one line per row; fields quoted where needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([cell_text(title) for title in header])
    for row in rows:
        writer.writerow([cell_text(value, yes, no) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
