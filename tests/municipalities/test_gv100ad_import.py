"""``flask municipalities import GV100AD_DDMMYYYY.txt``: the fixed-width Gemeindeverzeichnis.

The fixture holds the places of the small CSV extract (``tests/directory_extracts.py``) with the
same figures, written record by record in the layout of the Destatis Datensatzbeschreibung,
so both formats must give the same directory.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from directory_extracts import HEADER, SMALL
from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import BadExtract, read_extract
from startsmart.municipalities.gv100ad import is_gv100ad, read_gv100ad
from startsmart.municipalities.models import Municipality, MunicipalityKind


def record(
    satzart: str,
    key: str,
    name: str,
    kind: str,
    *,
    association: str = "",
    seat: str = "",
    hectares: int | None = None,
    people: int | None = None,
    men: int | None = None,
    postcode: str = "",
) -> str:
    """One 220-character record: positions 1-2 Satzart, 3-10 Gebietsstand, 11-18 key,
    19-22 Gemeindeverband, 23-72 name, 73-122 seat, 123-124 Textkennzeichen, 129-139 area
    (ha), 140-150 population, 151-161 of them men, 166-170 postcode."""
    line = f"{satzart}20201231{key:<8}{association:<4}{name:<50}{seat:<50}{kind}    "
    if satzart == "60":
        line += f"{hectares:011d}{people:011d}{men:011d}    {postcode:<5}"
    assert len(line) <= 220
    return line.ljust(220)


# The CSV's SMALL: 31.97 km² are 3197 ha.
RECORDS = [
    record("10", "01", "Schleswig-Holstein", "  ", seat="Kiel"),
    record("40", "01001", "Flensburg, Stadt", "41", seat="Flensburg"),
    record("50", "01001", "Flensburg, Stadt", "50", association="0000"),
    record(
        "60",
        "01001000",
        "Flensburg, Stadt",
        "61",
        association="0000",
        hectares=5302,
        people=90_164,
        men=44_797,
        postcode="24937",
    ),
    # 44 as in SMALL (Dithmarschen is a Kreis, 43, in the real files).
    record("40", "01051", "Dithmarschen", "44", seat="Heide"),
    record("50", "01051", "Heide, Stadt", "50", association="0044"),
    record("50", "01051", "Burg-St. Michaelisdonn", "51", association="5163", seat="Burg"),
    record(
        "60",
        "01051003",
        "Averlak",
        "64",
        association="5163",
        hectares=917,
        people=543,
        men=276,
        postcode="25715",
    ),
    record(
        "60",
        "01051010",
        "Brickeln",
        "64",
        association="5163",
        hectares=546,
        people=214,
        men=112,
        postcode="25712",
    ),
    record(
        "60",
        "01051044",
        "Heide, Stadt",
        "63",
        association="0044",
        hectares=3197,
        people=21_852,
        men=10_334,
        postcode="25746",
    ),
]
NOT_IN_GV100AD = {"latitude": None, "longitude": None, "urbanisation": None}
BRICKELN, HEIDE = RECORDS[8], RECORDS[9]


def put(line: str, position: int, text: str) -> str:
    """``line`` with ``text`` written from the 1-based ``position`` on."""
    return line[: position - 1] + text + line[position - 1 + len(text) :]


def write(tmp_path: Path, lines: list[str], name: str = "GV100AD_31122020.txt") -> Path:
    path = tmp_path / name
    # As Destatis ships it: CRLF line ends, UTF-8.
    path.write_bytes("".join(line + "\r\n" for line in lines).encode("utf-8"))
    return path


def write_csv(tmp_path: Path) -> Path:
    path = tmp_path / "extract.csv"
    path.write_text(HEADER + SMALL, encoding="utf-8")
    return path


def by_ags(ags: str) -> Municipality:
    return db.session.execute(sa.select(Municipality).where(Municipality.ags == ags)).scalar_one()


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) or 0


def test_gv100ad_gives_the_entries_of_the_csv_extract_without_coordinates(tmp_path) -> None:
    from_csv = read_extract(write_csv(tmp_path))
    from_gv100ad = read_gv100ad(write(tmp_path, RECORDS))
    assert [entry.ars for entry in from_gv100ad] == [
        "010010000000",
        "01051",
        "010515163",
        "010515163003",
        "010515163010",
        "010510044044",
    ]
    by_ars = {entry.ars: entry for entry in from_csv}
    for entry in from_gv100ad:
        assert asdict(entry) == {**asdict(by_ars[entry.ars]), **NOT_IN_GV100AD}
    heide = from_gv100ad[-1]
    assert (heide.ags, heide.name, heide.kind, heide.region) == (
        "01051044",
        "Heide, Stadt",
        "city",
        "Landkreis Dithmarschen",
    )
    assert (heide.population, heide.area_km2, heide.postcode) == (21_852, 31.97, "25746")


def test_a_record_as_destatis_writes_it_is_read_at_the_official_positions(tmp_path) -> None:
    # Heide in the GV100AD of 30.11.2021 (© Statistisches Bundesamt (Destatis), 2021).
    heide = (
        "6020211130010510440044Heide, Stadt" + " " * 88 + "63    00000003197000000214850000001"
        "0334    25746       2116131912701002"
    ).ljust(220)
    (entry,) = read_gv100ad(write(tmp_path, [heide]))
    assert (entry.ars, entry.ags, entry.name, entry.kind) == (
        "010510044044",
        "01051044",
        "Heide, Stadt",
        "city",
    )
    assert (entry.area_km2, entry.population, entry.postcode) == (31.97, 21_485, "25746")


def test_names_are_read_in_utf8_and_in_older_iso_8859_1_files(tmp_path) -> None:
    cottbus = record(
        "60",
        "12052000",
        "Cottbus/Chóśebuz, Stadt",
        "61",
        association="0000",
        hectares=16_562,
        people=98_693,
        men=48_000,
        postcode="03046",
    )
    (entry,) = read_gv100ad(write(tmp_path, [cottbus]))
    assert entry.name == "Cottbus/Chóśebuz, Stadt" and entry.postcode == "03046"

    buesum = record(
        "60", "01051011", "Büsum", "64", association="5155", hectares=1, people=2, men=1
    )
    path = tmp_path / "GV100AD_31122010.txt"
    path.write_bytes((buesum + "\r\n").encode("iso-8859-1"))
    (entry,) = read_gv100ad(path)
    assert entry.name == "Büsum" and entry.area_km2 == 0.01 and entry.postcode is None


def test_the_format_is_told_by_the_first_line_not_the_name(tmp_path) -> None:
    assert is_gv100ad(write(tmp_path, RECORDS, "directory.csv"))
    assert not is_gv100ad(write_csv(tmp_path))


def test_importing_gv100ad_after_the_csv_keeps_coordinates_and_urbanisation(
    app, tmp_path, travel
) -> None:
    with app.app_context():
        import_directory(write_csv(tmp_path), clock.now())
        same = import_directory(write(tmp_path, RECORDS), clock.now())
        assert (same.new, same.updated, same.unchanged, same.gone) == (0, 0, 6, 0)

        newer = [*RECORDS[:9], put(put(HEIDE, 129, "00000003190"), 140, "00000021999")]
        travel.shift(3600)
        report = import_directory(write(tmp_path, newer), clock.now())
        assert (report.new, report.updated, report.unchanged, report.gone) == (0, 1, 5, 0)
        db.session.expire_all()
        heide = by_ags("01051044")
        assert heide.population == 21_999 and heide.area_km2 == 31.9
        # From the CSV: "9,09452","54,19535" and degree of urbanisation 02.
        assert (heide.longitude, heide.latitude, heide.urbanisation) == (
            9.09452,
            54.19535,
            "02",
        )
        assert by_ags("01051010").urbanisation == "03"


def test_gv100ad_alone_fills_the_directory(app, tmp_path) -> None:
    with app.app_context():
        report = import_directory(write(tmp_path, RECORDS), clock.now())
        assert (report.new, report.updated, report.gone) == (6, 0, 0)
        assert report.kept == {"latitude", "longitude", "urbanisation"}
        flensburg = by_ags("01001000")
        assert flensburg.kind is MunicipalityKind.INDEPENDENT_CITY
        assert (flensburg.population, flensburg.area_km2) == (90_164, 53.02)
        assert flensburg.latitude is None and flensburg.urbanisation is None
        dithmarschen = db.session.execute(
            sa.select(Municipality).where(Municipality.ars == "01051")
        ).scalar_one()
        assert dithmarschen.kind is MunicipalityKind.DISTRICT and dithmarschen.population is None


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (put(BRICKELN, 16, "0x0"), "gemeinde"),
        (put(BRICKELN, 129, "000000005x6"), "area"),
        (put(BRICKELN, 140, "000000002I4"), "number"),
        (BRICKELN[:140], "record has 140 characters"),
        (put(BRICKELN, 123, "99"), "textkennzeichen"),
        (put(BRICKELN, 1, "70"), "satzart"),
        (put(BRICKELN, 3, "2020-12-"), "gebietsstand"),
        (put(BRICKELN, 166, "2571X"), "postcode"),
        (RECORDS[3], "twice"),
    ],
)
def test_a_bad_record_names_its_line_and_nothing_is_imported(app, tmp_path, bad, says) -> None:
    lines = [*RECORDS[:7], bad, *RECORDS[7:]]
    with app.app_context():
        with pytest.raises(BadExtract) as raised:
            import_directory(write(tmp_path, lines), clock.now())
        assert raised.value.line == 8
        assert says in str(raised.value)
        assert count() == 0


def test_the_command_takes_a_gv100ad_file_by_its_content(app, runner, tmp_path) -> None:
    path = write(tmp_path, RECORDS, "GV100AD_31122024.txt")
    result = runner.invoke(args=["municipalities", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "GV100AD_31122024.txt: 6 new, 0 updated, 0 unchanged, 0 gone" in result.output
    assert "kept as they were: latitude, longitude, urbanisation" in result.output
    assert "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis" in result.output

    broken = write(tmp_path, [*RECORDS[:5], RECORDS[5][:100]], "GV100AD_broken.txt")
    result = runner.invoke(args=["municipalities", "import", str(broken)])
    assert result.exit_code != 0
    assert "GV100AD_broken.txt, line 6" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert count() == 6
