"""The report's figures as bar charts: SVG drawn on the server by leather, inline in the page.

leather writes presentation attributes only (no ``<style>``, no script), so the charts pass the
strict Content-Security-Policy (startsmart/security.py) and print like the rest of the page.
Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` that says in words what the
bars show; the table beside it holds the same numbers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING

import leather
from flask_babel import gettext as _
from markupsafe import Markup

from startsmart.reports.figures import Row, Table, percent

if TYPE_CHECKING:
    from startsmart.reports.service import Report

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)

BAR_COLOUR = "#1d4f91"  # 8.6:1 on white: the bars stand out for weak eyes and in grey print
TEXT_COLOUR = "#222222"
WIDTH = 640
ROW_HEIGHT = 30
LABEL_LENGTH = 38  # longer labels are cut in the chart; the table and the text keep them whole

# leather's look is module-wide; this app draws no other charts.
leather.theme.background_color = "#ffffff"
for _part in ("title", "legend", "axis_title", "tick"):
    setattr(leather.theme, f"{_part}_font_family", "sans-serif")
leather.theme.title_color = TEXT_COLOUR
leather.theme.label_color = TEXT_COLOUR
leather.theme.tick_color = "#d0d0d0"
leather.theme.zero_color = "#555555"
leather.theme.tick_font_size = 13
leather.theme.tick_font_char_width = 7

_LONG_DECIMALS = re.compile(r"(\d+\.\d)\d+")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def _ticks(low: float, high: float) -> list[int]:
    """Whole-number ticks from ``low`` past ``high``, at most about six: counts have no halves."""
    step = 1
    while (high - low) / step > 6:
        step *= 5 if str(step).startswith("2") else 2
    first = int(low)
    last = first + step * -(-(high - first) // step)
    return list(range(first, int(last) + 1, step))


def bar_chart(
    table: Table,
    value: Callable[[Row], float],
    sentence: Callable[[Row], str],
    summary: str,
    scale: tuple[float, float] | None = None,
) -> Markup:
    """The rows of ``table`` as horizontal bars of ``value``, labelled with the rows' labels;
    ``summary`` then ``sentence`` of every row is the text alternative. Empty without rows."""
    if not table.rows:
        return Markup("")
    chart = leather.Chart()
    # Unique labels: leather draws one bar per distinct label.
    labels = [f"{_short(row.label)}{' ' * i}" for i, row in enumerate(table.rows)]
    chart.add_bars([(value(row), label) for row, label in zip(table.rows, labels, strict=True)],
                   fill_color=BAR_COLOUR)  # fmt: skip
    low, high = scale or (0, max(max(value(row) for row in table.rows), 1))
    ticks = _ticks(low, high)
    chart.add_x_scale(low, ticks[-1])
    chart.add_x_axis(ticks=ticks, tick_formatter=lambda tick, _index, _count: str(int(tick)))
    height = 50 + ROW_HEIGHT * len(table.rows)
    svg = chart.to_svg(width=WIDTH, height=height)
    return accessible(
        svg,
        f"{table.name}-chart",
        table.title,
        " ".join([summary, *(sentence(row) for row in table.rows)]),
    )


def accessible(svg: str, ident: str, title: str, description: str) -> Markup:
    """``svg`` as an image for assistive technology: role, title, description, scalable."""
    root = ET.fromstring(_LONG_DECIMALS.sub(r"\1", svg))
    width, height = root.get("width"), root.get("height")
    root.set("viewBox", f"0 0 {width} {height}")
    root.set("class", "chart")
    root.set("role", "img")
    root.set("aria-labelledby", f"{ident}-title {ident}-desc")
    root.set("id", ident)
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{ident}-desc"})
    desc.text = description
    root.insert(0, desc)
    heading = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{ident}-title"})
    heading.text = title
    root.insert(0, heading)
    return Markup(ET.tostring(root, encoding="unicode"))


def for_report(report: Report, locale: str) -> dict[str, Markup]:
    """A chart per figure of ``report``, by the table's name."""

    def counted(row: Row) -> str:
        if row.whole:
            return _(
                "%(label)s: %(count)s (%(part)s von %(whole)s, %(share)s).",
                label=row.label,
                count=row.count,
                part=row.part,
                whole=row.whole,
                share=percent(row.share, locale),
            )
        return _("%(label)s: %(count)s.", label=row.label, count=row.count)

    def rated(row: Row) -> str:
        mean = f"{row.mean:.1f}" if row.mean is not None else "–"
        return _(
            "%(label)s: Mittelwert %(mean)s aus %(count)s Antworten.",
            label=row.label,
            mean=mean.replace(".", ",") if locale == "de" else mean,
            count=row.count,
        )

    found = {}
    for table in report.tables():
        if table.mean_title:
            found[table.name] = bar_chart(
                table,
                lambda row: row.mean or 0,
                rated,
                _("Balken: Mittelwert je Frage auf der Skala von 1 bis 5."),
                scale=(0, 5),
            )
        else:
            found[table.name] = bar_chart(
                table,
                lambda row: row.count,
                counted,
                _("Balken: Anzahl je Zeile, in Klammern der Anteil wie in der Tabelle."),
            )
    return found
