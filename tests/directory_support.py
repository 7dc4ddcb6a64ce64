"""A small extract of the official directory (lines of the shipped Gemeindeverzeichnis), for
tests of what happens around typed municipalities: "Heide, Stadt" in its Kreis Dithmarschen
(SH), five "Neuenkirchen" in five Kreise of Niedersachsen, the city and the district
"Gifhorn", "Lübeck, Hansestadt" and "Cottbus/Chóśebuz, Stadt"."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from startsmart import clock
from startsmart.municipalities.directory import import_directory
from startsmart.municipalities.gemeindeverzeichnis import SHIPPED_EXTRACT

_WANTED = (
    "60,61,01,0,03,0000,000,",  # Lübeck, Hansestadt
    "40,43,01,0,51,,,",  # Dithmarschen
    "60,63,01,0,51,0044,044,",  # Heide, Stadt
    "40,44,03,1,51,,,",  # Gifhorn (Landkreis)
    "60,63,03,1,51,0009,009,",  # Gifhorn, Stadt
    "40,44,03,2,51,,,",  # Diepholz
    "60,64,03,2,51,5406,028,",  # Neuenkirchen
    "40,44,03,3,52,,,",  # Cuxhaven
    "60,64,03,3,52,5411,038,",
    "40,44,03,3,58,,,",  # Heidekreis
    "60,64,03,3,58,0017,017,",
    "40,44,03,3,59,,,",  # Stade
    "60,64,03,3,59,5406,033,",
    "40,44,03,4,59,,,",  # Osnabrück
    "60,64,03,4,59,5404,027,",
    "60,61,12,0,52,0000,000,",  # Cottbus/Chóśebuz, Stadt
)


def extract(tmp_path: Path) -> Path:
    """The small extract as a file of the shipped layout."""
    with SHIPPED_EXTRACT.open(encoding="utf-8-sig") as file:
        lines = file.readlines()
    body = [line for line in lines[1:] if line.startswith(_WANTED)]
    assert len(body) == len(_WANTED)
    path = tmp_path / "small-extract.csv"
    path.write_text(lines[0] + "".join(body), encoding="utf-8")
    return path


def load_directory(app: Flask, tmp_path: Path) -> Path:
    """Import the small extract (without matching: the tests create typed rows first)."""
    path = extract(tmp_path)
    with app.app_context():
        import_directory(path, clock.now())
    return path


def staff_marked_model_project(municipality_id: int) -> None:
    """Staff put the municipality into a model project by hand (the flag follows)."""
    from startsmart.extensions import db
    from startsmart.municipalities import project_members
    from startsmart.municipalities.models import ModelProject, ModelProjectMember

    project = ModelProject(name="Smarte Marsch", round=3, kind="Kleinstadt")
    project.memberships.append(
        ModelProjectMember(municipality_id=municipality_id, added_by_staff=True)
    )
    db.session.add(project)
    db.session.flush()
    project_members.keep_flags(municipality_id)
    db.session.commit()
