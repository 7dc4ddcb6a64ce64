"""Slugs from German titles, and the pure modules importing neither Flask nor SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from startsmart.catalog.slugs import slugify, unique_slug

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Grundlagen der Smart City", "grundlagen-der-smart-city"),
        ("Bürgerbeteiligung & Öffentlichkeitsarbeit", "buergerbeteiligung-oeffentlichkeitsarbeit"),
        ("Straße, Größe, Übermaß", "strasse-groesse-uebermass"),
        ("ÄRGER mit ÖL", "aerger-mit-oel"),
        ("Bu\u0308rger (decomposed ü)", "buerger-decomposed-ue"),
        ("Café für Kommunen – 2027!", "cafe-fuer-kommunen-2027"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("   ", "angebot"),
        ("!!!", "angebot"),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slugs_are_short_and_never_end_in_a_hyphen():
    slug = slugify("Wort " * 100)
    assert len(slug) <= 80 and not slug.endswith("-")


def test_unique_slug_counts_up():
    taken = {"thema", "thema-2"}
    assert unique_slug("frei", taken.__contains__) == "frei"
    assert unique_slug("thema", taken.__contains__) == "thema-3"


@pytest.mark.parametrize(
    "module", ["startsmart.catalog.slugs", "startsmart.registrations.export", "startsmart.clock"]
)
def test_pure_module_imports_without_flask_or_sqlalchemy(module):
    forbidden = ["flask", "flask_sqlalchemy", "flask_babel", "sqlalchemy", "werkzeug"]
    code = "import sys\n" + "".join(f"sys.modules[{n!r}] = None\n" for n in forbidden)
    result = subprocess.run(
        [sys.executable, "-c", code + f"import {module}\n"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
