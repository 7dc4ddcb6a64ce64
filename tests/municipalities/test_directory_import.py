"""``flask municipalities import``: the Destatis Gemeindeverzeichnis into the municipality table.

The whole shipped file is loaded in one test only (it takes seconds); the others use small
extracts of the same layout written into tmp_path.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from directory_extracts import HEADER, SMALL
from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.ags import STATE_CODES
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT, BadExtract
from startsmart.municipalities.models import (
    FederalState,
    Municipality,
    MunicipalityKind,
    Person,
    PopulationClass,
)


def _shipped_rows() -> list[dict[str, str]]:
    with SHIPPED_EXTRACT.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def _counts_in_database() -> Counter:
    rows = db.session.execute(
        sa.select(Municipality.state, Municipality.kind).where(Municipality.ars.is_not(None))
    )
    counts: Counter = Counter()
    for state, kind in rows:
        level = {
            MunicipalityKind.DISTRICT: "40",
            MunicipalityKind.REGIONAL_ASSOCIATION: "40",
            MunicipalityKind.AMT: "50",
        }.get(kind, "60")
        counts[state.value, level] += 1
    return counts


def test_the_shipped_file_loads_completely_and_a_second_run_changes_nothing(app) -> None:
    expected: Counter = Counter()
    for row in _shipped_rows():
        state = STATE_CODES.get(row["land"])
        satzart, kind = row["satzart"], row["textkennzeichen"]
        # Kreisfreie Städte are their municipality row; "verbandsfreie Gemeinden" (50/50)
        # are the municipality again.
        if (
            satzart == "60"
            or (satzart == "40" and kind not in ("41", "42"))
            or (satzart == "50" and kind != "50")
        ):
            expected[state, satzart] += 1
    assert sum(n for (_s, satzart), n in expected.items() if satzart == "60") == 11_004
    with app.app_context():
        started = time.perf_counter()
        first = import_directory(SHIPPED_EXTRACT, clock.now())
        took = time.perf_counter() - started
        assert _counts_in_database() == expected
        assert first.new == sum(expected.values()) and first.gone == 0
        assert took < 15

        second = import_directory(SHIPPED_EXTRACT, clock.now())
        assert (second.new, second.updated, second.gone) == (0, 0, 0)
        assert second.unchanged == first.new

        heide = db.session.execute(
            sa.select(Municipality).where(Municipality.ags == "01051044")
        ).scalar_one()
        assert heide.name == "Heide, Stadt"
        assert heide.state is FederalState.SH and heide.kind is MunicipalityKind.CITY
        assert heide.population == 21_852 and heide.population_class is PopulationClass.FROM_20K
        assert heide.ars == "010510044044" and heide.verified_at is not None
        assert heide.postcode and heide.latitude and heide.longitude and heide.urbanisation


def _write(tmp_path: Path, body: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _by_ags(ags: str) -> Municipality:
    return db.session.execute(sa.select(Municipality).where(Municipality.ags == ags)).scalar_one()


def test_a_newer_extract_renames_updates_and_marks_the_merged_one_keeping_its_people(
    app, tmp_path, travel
) -> None:
    with app.app_context():
        first = import_directory(_write(tmp_path, SMALL), clock.now())
        assert (first.new, first.updated, first.unchanged, first.gone) == (6, 0, 0, 0)
        brickeln = _by_ags("01051010")
        db.session.add(
            Person(name="Bea Brickeln", email="bea@brickeln.example", municipality=brickeln)
        )
        db.session.commit()
        brickeln_id = brickeln.id

        newer = SMALL.replace(
            '"Heide, Stadt", 31.97, 21 852', '"Heide (Holstein), Stadt", 31.9, 21 999'
        ).replace("60,64,01,0,51,5163,010,Brickeln", "#")
        newer = "\n".join(line for line in newer.splitlines() if not line.startswith("#")) + "\n"
        travel.shift(3600)
        report = import_directory(_write(tmp_path, newer, "newer.csv"), clock.now())
        assert (report.new, report.updated, report.unchanged, report.gone) == (0, 1, 4, 1)
        db.session.expire_all()
        heide = _by_ags("01051044")
        assert heide.name == "Heide (Holstein), Stadt" and heide.population == 21_999
        assert heide.area_km2 == 31.9
        merged = db.session.get(Municipality, brickeln_id)
        assert merged is not None and merged.dissolved_at is not None
        assert [person.name for person in merged.people] == ["Bea Brickeln"]

        again = import_directory(_write(tmp_path, newer, "newer.csv"), clock.now())
        assert (again.new, again.updated, again.gone) == (0, 0, 0)


def test_rows_created_before_are_found_by_their_ags_and_become_the_directory_entry(
    app, tmp_path
) -> None:
    with app.app_context():
        db.session.add(
            Municipality(
                name="Flensburg",
                kind=MunicipalityKind.TOWN,
                state=FederalState.SH,
                ags="01001000",
                verified_at=None,
            )
        )
        db.session.commit()
        report = import_directory(_write(tmp_path, SMALL), clock.now())
        assert (report.new, report.updated) == (5, 1)
        flensburg = _by_ags("01001000")
        assert flensburg.name == "Flensburg, Stadt"
        assert flensburg.kind is MunicipalityKind.INDEPENDENT_CITY
        assert flensburg.verified_at is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 6


@pytest.mark.parametrize(
    ("bad_row", "says"),
    [
        ('60,64,01,0,51,5163,0x0,Brickeln, 5.46,  214,,,,25712,"9,2","54,0",,,03,', "gemeinde"),
        ('60,64,01,0,51,5163,011,Kuden, 5.46, 2I4,,,,25712,"9,2","54,0",,,03,', "number"),
        ('60,61,01,0,01,0000,000,Flensburg, 53.02, 90 164,,,,24937,"9,4","54,7",,,01,', "twice"),
    ],
)
def test_a_bad_row_names_its_line_and_nothing_is_imported(app, tmp_path, bad_row, says) -> None:
    lines = SMALL.splitlines()
    body = "\n".join([*lines[:5], bad_row, *lines[5:]]) + "\n"
    with app.app_context():
        with pytest.raises(BadExtract) as raised:
            import_directory(_write(tmp_path, body), clock.now())
        assert raised.value.line == 7  # header, five rows, then the bad one
        assert says in str(raised.value)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == 0


def test_the_command_reports_counts_and_the_attribution(app, runner, tmp_path) -> None:
    path = _write(tmp_path, SMALL)
    result = runner.invoke(args=["municipalities", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "6 new, 0 updated, 0 unchanged, 0 gone" in result.output
    assert "© Statistisches Bundesamt (Destatis), Gemeindeverzeichnis, 2021" in result.output

    broken = _write(tmp_path, SMALL.replace("Averlak, 9.17", "Averlak, 9,17,x"), "broken.csv")
    result = runner.invoke(args=["municipalities", "import", str(broken)])
    assert result.exit_code != 0
    assert "broken.csv, line 9" in result.output and "nothing was imported" in result.output


def test_the_search_offers_directory_entries_but_not_unverified_names_nor_merged_entries(
    app, tmp_path
) -> None:
    from startsmart.municipalities import directory_search

    def offered(text: str) -> list[str]:
        return [found.name for found in directory_search.find(text)]

    with app.app_context():
        invented = Municipality(
            name="Heidekraut", kind=MunicipalityKind.TOWN, state=FederalState.SH
        )
        db.session.add(invented)
        db.session.flush()
        invented.verified_at = None  # typed on a public form, not confirmed
        db.session.commit()
        import_directory(_write(tmp_path, SMALL), clock.now())
        assert offered("heide") == ["Heide, Stadt"]
        assert directory_search.find("heide")[0].label.endswith("Dithmarschen, Schleswig-Holstein)")
        newer = "\n".join(line for line in SMALL.splitlines() if ",044," not in line) + "\n"
        import_directory(_write(tmp_path, newer, "newer.csv"), clock.now())
        assert offered("heide") == []
