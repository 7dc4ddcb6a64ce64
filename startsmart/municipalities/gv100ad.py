"""Reading GV100AD (``GV100AD_DDMMYYYY.txt``), the fixed-width file of the Destatis
Gemeindeverzeichnis, into the same directory entries as the CSV extract.

Layout per the Destatis "Datensatzbeschreibung GV100AD" (Gemeindeverzeichnis ab 01.07.1993):
records of 220 characters, one per line; positions are 1-based and count characters, not
bytes (a UTF-8 file with "ü" is longer in bytes). Used here:

    1-2     Satzart (10 Land, 20 Regierungsbezirk, 30 Region, 40 Kreis,
            50 Gemeindeverband, 60 Gemeinde)
    3-10    Gebietsstand (YYYYMMDD)
    11-12   Land
    13      Regierungsbezirk
    14-15   Kreis
    16-18   Gemeinde (Satzart 60)
    19-22   Gemeindeverband (Satzart 50, 60)
    23-72   Name
    73-122  seat of the administration (not read)
    123-124 Textkennzeichen (the same codes as the CSV's ``textkennzeichen``)
    129-139 Fläche in hectares (Satzart 60, zero-padded)
    140-150 Bevölkerung insgesamt (Satzart 60, zero-padded)
    166-170 Postleitzahl (Satzart 60; of the seat where the municipality has several)

Cross-checked against the Datensatzbeschreibung PDF shipped with a GV100AD download, the
record of Heide in the GV100AD of 30.11.2021 (area 3197 ha = the CSV's 31.97 km²) and two
independent parsers (the Rust crate ``gv100ad``, the PHP reader of STÜBER SYSTEMS).

Unlike the CSV extract, GV100AD has no coordinates and no degree of urbanisation
(``NOT_IN_GV100AD``): the import keeps what the database holds for those. Area comes in
hectares and is turned into km² here. Encoding: Destatis writes UTF-8 since the Sorbian names
became part of the official names; older files are ISO-8859-1, read as such when the bytes
are not UTF-8.

Pure: no Flask, no database. A bad record stops the reading with its line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from startsmart.municipalities.gemeindeverzeichnis import BadExtract, Entry, entries_of_rows

RECORD_LENGTH = 220
NOT_IN_GV100AD = frozenset({"latitude", "longitude", "urbanisation"})

# What a record must reach at least, by Satzart: the Textkennzeichen, and for a municipality
# its population (a gemeindefreies Gebiet has no postcode, its record ends there). Trailing
# blanks may have been cut by an editor; they are put back.
_NEEDED_LENGTH = {"40": 124, "50": 124, "60": 150}
# Satzart, Gebietsstand and the regional key: digits and blanks only, never a CSV comma.
_START = re.compile(r"[1-6]0\d{8}[\d ]{12}")


def is_gv100ad(path: Path) -> bool:
    """Whether the file's first line is a GV100AD record (the CSV starts with its header)."""
    with path.open("rb") as file:
        first = file.readline(RECORD_LENGTH * 4)
    text = first.removeprefix(b"\xef\xbb\xbf").decode("iso-8859-1")
    return _START.match(text) is not None


def read_gv100ad(path: Path) -> list[Entry]:
    """Every entry of the file, or BadExtract naming the first bad line."""
    return list(entries(_lines(path.read_bytes())))


def entries(lines: Iterable[str]) -> Iterator[Entry]:
    return entries_of_rows(_rows(lines))


def _lines(data: bytes) -> list[str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("iso-8859-1")
    # Not splitlines(): it also breaks at form feeds and the like, which would shift the
    # line numbers the messages name.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, _row(line)
        except ValueError as error:
            raise BadExtract(number, str(error)) from None


def _row(line: str) -> dict[str, str]:
    """The record as a row of the CSV extract (same column names), for the shared rules."""
    record = line.rstrip()
    satzart = record[:2]
    needed = _NEEDED_LENGTH.get(satzart, 22)
    if not needed <= len(record) <= RECORD_LENGTH:
        raise ValueError(
            f"record has {len(record)} characters, a GV100AD record of satzart {satzart!r} "
            f"has {needed} to {RECORD_LENGTH}"
        )
    if not re.fullmatch(r"\d{8}", record[2:10]):
        raise ValueError(f"gebietsstand {record[2:10]!r} is not a date (YYYYMMDD)")
    record = record.ljust(RECORD_LENGTH)
    return {
        "satzart": satzart,
        "land": record[10:12],
        "rb": record[12:13],
        "kreis": record[13:15],
        "gemeinde": record[15:18],
        "vb": record[18:22],
        "gemeindename": record[22:72],
        "textkennzeichen": record[122:124],
        "flaeche": _square_kilometres(record[128:139]),
        "bevoelkerung": record[139:150],
        "postleitzahl": record[165:170],
        "laengengrad": "",
        "breitengrad": "",
        "verstaedterungschluessel": "",
    }


def _square_kilometres(hectares: str) -> str:
    """ "00000003197" (hectares) → "31.97" (km², as the CSV writes it), exactly."""
    value = hectares.strip()
    if not value:
        return ""
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"area {value!r} is not a whole number of hectares")
    number = int(value)
    return f"{number // 100}.{number % 100:02d}"
