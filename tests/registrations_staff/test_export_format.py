"""The CSV writer alone: what German Excel needs, and no formulas from people's input."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from startsmart.registrations.export import cell_text, write_csv


def test_bom_semicolons_crlf_and_berlin_times():
    data = write_csv(
        ["Name", "Angemeldet am"],
        [["Kim Kommune", datetime(2026, 7, 1, 8, 5, tzinfo=UTC)], ["Ole", None]],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == (
        "Name;Angemeldet am\r\nKim Kommune;01.07.2026 10:05\r\nOle;\r\n"
    )


def test_winter_time_and_booleans():
    data = write_csv(["a", "b"], [[datetime(2026, 12, 1, 8, 0, tzinfo=UTC), True]], "ja", "nein")
    assert data.decode("utf-8-sig").splitlines()[1] == "01.12.2026 09:00;ja"
    assert cell_text(False, no="nein") == "nein" and cell_text(3) == "3"


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil")', "+49 30 123", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1;2"],
)
def test_formulas_are_neutralised(value):
    assert cell_text(value) == "'" + value
    [row] = list(
        csv.reader(
            io.StringIO(write_csv(["x"], [[value]]).decode("utf-8-sig"), newline=""), delimiter=";"
        )
    )[1:]
    assert row == ["'" + value]


def test_harmless_text_stays_as_it_is():
    for value in ("Kim", "a=b", "Müller-Lüdenscheidt", "<b>fett</b>"):
        assert cell_text(value) == value


def test_round_trip_with_quotes_separators_and_line_breaks():
    rows = [
        ['Kim "die Kommune" K.', "Rathaus; 2. OG", "Zeile 1\r\nZeile 2", "Straße ÄÖÜ ß"],
        ["", "=cmd|' /C calc'!A0", "x\ny", "12"],
    ]
    data = write_csv(["A", "B", "C", "D"], rows)
    text = data.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert parsed[0] == ["A", "B", "C", "D"]
    assert parsed[1] == rows[0]
    assert parsed[2] == ["", "'=cmd|' /C calc'!A0", "x\ny", "12"]
    # Every record ends in CRLF; line breaks inside fields are quoted, not record ends.
    assert text.endswith("\r\n") and text.count('"Zeile 1\r\nZeile 2"') == 1
