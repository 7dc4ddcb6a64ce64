"""``flask municipalities import-mpsc``: the Modellprojekte Smart Cities marked by name, on a
small directory extract (the whole one is loaded in test_directory_import.py only)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT
from startsmart.municipalities.model_projects import SHIPPED_LIST, places_of
from startsmart.municipalities.models import Municipality

# The shipped rows of a few places: cities, a district, a bilingual name, a namesake.
WANTED = ("01001000", "01051044", "09479", "09479169", "12052000", "16064046", "08226054")


def _small_directory(tmp_path: Path) -> Path:
    lines = SHIPPED_EXTRACT.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [lines[0]]
    for line in lines[1:]:
        fields = line.split(",")
        satzart, land, rb, kreis, gemeinde = fields[0], fields[2], fields[3], fields[4], fields[6]
        key = land + rb + kreis + (gemeinde if satzart == "60" else "")
        if satzart in ("40", "60") and key in WANTED:
            kept.append(line)
    path = tmp_path / "directory.csv"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def _marked() -> set[str]:
    return set(
        db.session.execute(
            sa.select(Municipality.ags).where(Municipality.is_model_project.is_(True))
        ).scalars()
    )


def test_the_list_names_73_projects() -> None:
    assert len({project for project, _place, _district in places_of(SHIPPED_LIST)}) == 73


def test_projects_and_members_are_marked_once_and_the_rest_is_listed(app, runner, tmp_path) -> None:
    with app.app_context():
        import_directory(_small_directory(tmp_path), clock.now())
    mpsc = tmp_path / "mpsc.csv"
    mpsc.write_text(
        "staffel,year,name,kind,members\n"
        "1,2019,Cottbus,Mittelstadt,\n"
        "1,2019,Landkreis Wunsiedel i. Fichtelgebirge,Landkreis,\n"
        "2,2020,Flensburg und Heide,Interkommunale Kooperation,Flensburg;Heide\n"
        "3,2021,Mühlhausen/Thüringen,Mittelstadt,\n"
        "3,2021,Verband Region Rhein-Neckar,Interkommunale Kooperation,\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["municipalities", "import-mpsc", str(mpsc)])
    assert result.exit_code == 0, result.output
    assert "5 model projects: 5 places matched, 5 newly marked, 1 not matched" in result.output
    assert "Verband Region Rhein-Neckar (not in the directory)" in result.output
    with app.app_context():
        # Not the town of Wunsiedel, not Mühlhausen in Baden-Württemberg.
        assert _marked() == {"12052000", "09479", "01001000", "01051044", "16064046"}

    again = runner.invoke(args=["municipalities", "import-mpsc", str(mpsc)])
    assert "5 places matched, 0 newly marked" in again.output
