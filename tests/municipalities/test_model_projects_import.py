"""``flask municipalities import-mpsc``: the Modellprojekte Smart Cities recorded with their
members, matched by name on a small directory extract; once on the whole directory."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from startsmart import clock
from startsmart.extensions import db
from startsmart.municipalities import project_members
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT
from startsmart.municipalities.model_projects import SHIPPED_LIST, places_of
from startsmart.municipalities.models import ModelProject, ModelProjectMember, Municipality
from startsmart.staff.models import Role, StaffUser
from support import make_staff

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
    assert (
        "5 model projects (5 new): 5 places matched, 5 new members, 5 newly marked, "
        "0 unmarked, 1 not matched"
    ) in result.output
    assert "Verband Region Rhein-Neckar (not in the directory)" in result.output
    with app.app_context():
        # Not the town of Wunsiedel, not Mühlhausen in Baden-Württemberg.
        assert _marked() == {"12052000", "09479", "01001000", "01051044", "16064046"}
        assert _members() == {
            "Cottbus": {"12052000"},
            "Landkreis Wunsiedel i. Fichtelgebirge": {"09479"},
            "Flensburg und Heide": {"01001000", "01051044"},
            "Mühlhausen/Thüringen": {"16064046"},
            "Verband Region Rhein-Neckar": set(),
        }
        rhein_neckar = _project("Verband Region Rhein-Neckar")
        assert rhein_neckar.unresolved_places == ["Verband Region Rhein-Neckar"]
        assert (rhein_neckar.round, rhein_neckar.kind) == (3, "Interkommunale Kooperation")
        assert _project("Cottbus").unresolved_places == []

    again = runner.invoke(args=["municipalities", "import-mpsc", str(mpsc)])
    assert "5 model projects (0 new): 5 places matched, 0 new members, 0 newly marked" in (
        again.output
    )
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(ModelProject.id))).scalar() == 5


def _project(name: str) -> ModelProject:
    return db.session.execute(sa.select(ModelProject).where(ModelProject.name == name)).scalar_one()


def _members() -> dict[str, set[str]]:
    """Each project with the AGS (or district key) of its members."""
    found: dict[str, set[str]] = {
        name: set() for name in db.session.execute(sa.select(ModelProject.name)).scalars()
    }
    rows = db.session.execute(
        sa.select(ModelProject.name, Municipality.ags, Municipality.ars)
        .join(ModelProjectMember, ModelProjectMember.project_id == ModelProject.id)
        .join(Municipality, ModelProjectMember.municipality_id == Municipality.id)
        .where(ModelProjectMember.removed_at.is_(None))
    )
    for name, ags, ars in rows:
        found[name].add(ags or ars)
    return found


def _staff(app) -> StaffUser:
    return db.session.get(StaffUser, make_staff(app, "eva@kts.example", Role.EVENT_TEAM))


def test_staff_corrections_survive_a_second_import(app, runner, tmp_path) -> None:
    with app.app_context():
        import_directory(_small_directory(tmp_path), clock.now())
    mpsc = tmp_path / "mpsc.csv"
    mpsc.write_text(
        "staffel,year,name,kind,members\n"
        "2,2020,Flensburg und Heide,Interkommunale Kooperation,Flensburg;Heide\n",
        encoding="utf-8",
    )
    assert runner.invoke(args=["municipalities", "import-mpsc", str(mpsc)]).exit_code == 0
    with app.app_context():
        eva = _staff(app)
        project = _project("Flensburg und Heide")
        heide = db.session.execute(
            sa.select(Municipality).where(Municipality.ags == "01051044")
        ).scalar_one()
        cottbus = db.session.execute(
            sa.select(Municipality).where(Municipality.ags == "12052000")
        ).scalar_one()
        project_members.remove_member(project.id, heide.id, eva, clock.now())
        project_members.add_member(project.id, cottbus.id, eva, clock.now())

    again = runner.invoke(args=["municipalities", "import-mpsc", str(mpsc)])
    assert "0 new members, 0 newly marked, 0 unmarked" in again.output, again.output
    with app.app_context():
        assert _members() == {"Flensburg und Heide": {"01001000", "12052000"}}
        assert _marked() == {"01001000", "12052000"}


def test_the_whole_list_on_the_whole_directory(app, runner) -> None:
    with app.app_context():
        import_directory(SHIPPED_EXTRACT, clock.now())
    result = runner.invoke(args=["municipalities", "import-mpsc"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("73 model projects (73 new): "), result.output
    with app.app_context():
        members = _members()
        assert len(members) == 73
        # Every project has its members but one, which names what staff should add.
        without = [name for name, ags in members.items() if not ags]
        assert without == ["Verband Region Rhein-Neckar"]
        assert members["5 für Südwestfalen"] == {
            "05958004", "05966024", "05962040", "05974040", "05970004"
        }  # fmt: skip
        assert all(_project(name).unresolved_places for name in without)
        counts = db.session.execute(
            sa.select(ModelProject.round, sa.func.count(ModelProject.id)).group_by(
                ModelProject.round
            )
        ).all()
        assert dict(counts) == {1: 13, 2: 32, 3: 28}
        assert len(_marked()) == len(set().union(*members.values()))
    again = runner.invoke(args=["municipalities", "import-mpsc"])
    assert "(0 new)" in again.output and "0 new members, 0 newly marked, 0 unmarked" in (
        again.output
    )
