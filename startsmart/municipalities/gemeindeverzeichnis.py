"""Reading the Destatis Gemeindeverzeichnis ("Auszug GV", converted to CSV with lower-case
column names, see data/README.md) into directory entries.

The rules from a row to an entry (``entries_of_rows``) serve GV100AD too (``gv100ad.py``
hands its fixed-width records over as rows of these columns).

Pure: no Flask, no database; kinds, Länder and size classes are the values of the model's
enums (``directory.py`` makes members of them). A bad row stops the whole reading with its
line number, so the import never writes half a file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from startsmart.municipalities.ags import STATE_CODES

SHIPPED_EXTRACT = Path(__file__).parent / "data" / "gemeindeverzeichnis-2020q4.csv"
ATTRIBUTION = "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis, 2021"

COLUMNS = (
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
    "postleitzahl",
    "laengengrad",
    "breitengrad",
    "verstaedterungschluessel",
)

# Textkennzeichen → kind. Kreisfreie Städte (41, 42) are left out at the district level: the
# city is its municipality row (satzart 60), so registrations have one row to point to.
_DISTRICT_KINDS = {
    "43": "district",
    "44": "district",
    "45": "regional_association",
}
_MUNICIPALITY_KINDS = {
    "60": "town",  # Markt
    "61": "independent_city",
    "62": "independent_city",  # Stadtkreis
    "63": "city",
    "64": "town",
    "65": "other",  # gemeindefreies Gebiet, bewohnt
    "66": "other",  # gemeindefreies Gebiet, unbewohnt
    "67": "city",  # Große Kreisstadt
}
# A district's kind as people write it before its name ("Landkreis Rosenheim"). The
# Regionalverband Saarbrücken carries the word in its name already.
_DISTRICT_WORDS = {"43": "Kreis", "44": "Landkreis", "45": ""}
# Satzart 50 with Textkennzeichen 50 is a "verbandsfreie Gemeinde": the municipality again.
_NOT_AN_ASSOCIATION = "50"
_SKIPPED_SATZARTEN = {"10", "20", "30"}  # Land, Regierungsbezirk, Region
_URBANISATION = {"", "01", "02", "03"}


class BadExtract(ValueError):
    """The file is not a Gemeindeverzeichnis of the known layout; names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Entry:
    """One municipality, district or Gemeindeverband of the extract."""

    ars: str
    ags: str | None
    name: str
    kind: str  # a MunicipalityKind value
    state: str  # a FederalState value (ISO 3166-2:DE)
    population: int | None
    area_km2: float | None
    postcode: str | None
    latitude: float | None
    longitude: float | None
    urbanisation: str | None
    # A municipality's or Gemeindeverband's district ("Kreis Dithmarschen"), a district's kind
    # word ("Kreis"); None in an independent city.
    region: str | None = None

    @property
    def population_class(self) -> str | None:
        return population_class(self.population)


def population_class(population: int | None) -> str | None:
    if population is None:
        return None
    for limit, size in (
        (5_000, "under_5k"),
        (20_000, "5k_20k"),
        (100_000, "20k_100k"),
        (500_000, "100k_500k"),
    ):
        if population < limit:
            return size
    return "over_500k"


def read_extract(path: Path) -> list[Entry]:
    """Every entry of the file, or BadExtract naming the first bad line."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(entries(file))


def entries(lines: Iterable[str]) -> Iterator[Entry]:
    reader = csv.DictReader(lines)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        raise BadExtract(1, f"columns missing: {', '.join(missing)}")
    yield from entries_of_rows((reader.line_num, row) for row in reader)


def entries_of_rows(rows: Iterable[tuple[int, dict[str, str]]]) -> Iterator[Entry]:
    """Entries of rows keyed by the CSV's column names, each with its line number; the
    GV100AD reader (``gv100ad.py``) hands its records in the same shape."""
    seen: set[str] = set()
    # The extract lists a district before its municipalities: "Kreis Dithmarschen" by the
    # first five digits of the key.
    districts: dict[str, str] = {}
    for line, row in rows:
        try:
            entry = _entry(row)
        except (ValueError, KeyError, TypeError) as error:
            raise BadExtract(line, str(error)) from None
        if entry is None:
            continue
        if entry.ars in seen:
            raise BadExtract(line, f"key {entry.ars} appears twice")
        seen.add(entry.ars)
        if len(entry.ars) == 5:
            word = _district_word(row["textkennzeichen"].strip(), entry.name)
            districts[entry.ars] = f"{word} {entry.name}".strip()
            entry = replace(entry, region=word or None)
        else:
            entry = replace(entry, region=districts.get(entry.ars[:5]))
        yield entry


def _entry(row: dict[str, str]) -> Entry | None:
    satzart = row["satzart"].strip()
    kind_code = row["textkennzeichen"].strip()
    if satzart in _SKIPPED_SATZARTEN:
        return None
    land = _digits(row, "land", 2)
    state_code = STATE_CODES.get(land)
    if state_code is None:
        raise ValueError(f"unknown Land {land!r}")
    rb, kreis = _digits(row, "rb", 1), _digits(row, "kreis", 2)
    name = " ".join(row["gemeindename"].split())
    if not name:
        raise ValueError("no name")
    if satzart == "40":
        if kind_code in ("41", "42"):
            return None
        kind = _kind(_DISTRICT_KINDS, kind_code)
        ars = ags = land + rb + kreis
    elif satzart == "50":
        if kind_code == _NOT_AN_ASSOCIATION:
            return None
        kind = "amt"
        ars, ags = land + rb + kreis + _digits(row, "vb", 4), None
    elif satzart == "60":
        kind = _kind(_MUNICIPALITY_KINDS, kind_code)
        gemeinde = _digits(row, "gemeinde", 3)
        ags = land + rb + kreis + gemeinde
        ars = land + rb + kreis + _digits(row, "vb", 4) + gemeinde
    else:
        raise ValueError(f"unknown satzart {satzart!r}")
    postcode = row["postleitzahl"].strip()
    if postcode and not re.fullmatch(r"\d{5}", postcode):
        raise ValueError(f"postcode {postcode!r} is not five digits")
    urbanisation = row["verstaedterungschluessel"].strip()
    if urbanisation not in _URBANISATION:
        raise ValueError(f"degree of urbanisation {urbanisation!r} unknown")
    return Entry(
        ars=ars,
        ags=ags,
        name=name,
        kind=kind,
        state=state_code,
        population=_integer(row["bevoelkerung"]),
        area_km2=_decimal(row["flaeche"]),
        postcode=postcode or None,
        latitude=_decimal(row["breitengrad"]),
        longitude=_decimal(row["laengengrad"]),
        urbanisation=urbanisation or None,
    )


def _district_word(code: str, name: str) -> str:
    """ "Landkreis" for the Landkreis Rosenheim; nothing for the "Heidekreis" or the
    "Rhein-Sieg-Kreis", whose name says it."""
    if name.casefold().endswith("kreis"):
        return ""
    return _DISTRICT_WORDS.get(code, "")


def _digits(row: dict[str, str], column: str, length: int) -> str:
    value = row[column].strip()
    if not re.fullmatch(rf"\d{{{length}}}", value):
        raise ValueError(f"{column} {value!r} is not {length} digit(s)")
    return value


def _kind(kinds: dict[str, str], code: str) -> str:
    if code not in kinds:
        raise ValueError(f"textkennzeichen {code!r} unknown")
    return kinds[code]


def _integer(text: str) -> int | None:
    """ "90 164" (digits grouped with spaces) → 90164."""
    digits = "".join(text.split())
    if not digits:
        return None
    if not digits.isdigit():
        raise ValueError(f"number {text.strip()!r} is not a whole number")
    return int(digits)


def _decimal(text: str) -> float | None:
    """ " 53.02" or "9,43751" (decimal comma) → float."""
    value = text.strip().replace(",", ".")
    if not value:
        return None
    if not re.fullmatch(r"-?\d+(\.\d+)?", value):
        raise ValueError(f"number {text.strip()!r} is not a decimal")
    return float(value)
