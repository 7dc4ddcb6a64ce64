"""A report table as a file: CSV for German Excel (``registrations.export``) and XLSX
(openpyxl), each with the period, the filters and the directory's attribution below the rows.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import gettext as _
from openpyxl import Workbook

from startsmart.registrations.export import Cell, cell_text, write_csv
from startsmart.reports.figures import Table


def header(table: Table) -> list[str]:
    columns = [_("Zeile"), _("Anzahl")]
    if table.extra_title:
        columns.append(table.extra_title)
    if table.mean_title:
        columns.append(table.mean_title)
    if table.with_share:
        columns += [table.part_title, table.whole_title, _("Anteil (%)")]
    return columns


def rows(table: Table, locale: str) -> list[list[Cell | float]]:
    found: list[list[Cell | float]] = []
    for row in table.rows:
        line: list[Cell | float] = [row.label, row.count]
        if table.extra_title:
            line.append(row.extra)
        if table.mean_title:
            line.append(row.mean)
        if table.with_share:
            line += [
                row.part,
                row.whole,
                round(row.share * 100, 1) if row.share is not None else None,
            ]
        found.append(line)
    return found


def _csv_cell(value: Cell | float, locale: str) -> Cell:
    if isinstance(value, float):
        text = f"{value:.1f}"
        return text.replace(".", ",") if locale == "de" else text
    return value


def as_csv(table: Table, footer: Sequence[str], locale: str) -> bytes:
    """The table for German Excel (semicolons, BOM, formulas defused); the footer lines (period,
    filters, attribution) after an empty line."""
    lines: list[Sequence[Cell]] = [
        [_csv_cell(v, locale) for v in line] for line in rows(table, locale)
    ]
    lines.append([])
    lines.extend([text] for text in footer)
    return write_csv(header(table), lines, _("ja"), _("nein"))


def as_xlsx(table: Table, footer: Sequence[str], locale: str) -> bytes:
    """The table as an Excel workbook: numbers stay numbers; texts as ``cell_text`` makes them
    (a leading "=" would be a formula to Excel)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = table.name[:31]
    sheet.append([cell_text(title) for title in header(table)])
    for line in rows(table, locale):
        sheet.append([v if isinstance(v, int | float) or v is None else cell_text(v) for v in line])
    sheet.append([])
    for text in footer:
        sheet.append([cell_text(text)])
    sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
