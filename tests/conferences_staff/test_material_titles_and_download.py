"""A material's English title on the English documentation page, and a download streamed from
the materials folder (never read whole into memory) with the safe headers."""

from __future__ import annotations

import gc
import os
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from conference_support import make_conference
from conferences_staff.test_materials import _materials, _page, _workshop, add_link, upload
from material_support import a_pdf
from startsmart import clock
from startsmart.clock import berlin_today
from startsmart.conferences.models import Conference
from support import submit, text


@pytest.fixture
def conference(app, team) -> Conference:
    return make_conference(app, berlin_today(clock.now()) + timedelta(days=30))


def _documentation(client, conference: Conference, language: str) -> str:
    client.get(f"/sprache/{language}")
    return text(client.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))


def test_english_titles_on_english_pages_and_the_german_one_marked_as_german(app, team, conference):
    workshop = _workshop(app, conference)
    fields = {"file-title": "Folien", "file-title_en": "Slides", "file-session": str(workshop)}
    assert upload(team, conference, a_pdf(), **fields).status_code == 302
    assert add_link(team, conference, "https://example.org/fotos").status_code == 302
    page = _page(conference)
    response = submit(
        team,
        page,
        {
            "link-session": "",
            "link-title": "Ergebnisse",
            "link-title_en": "Results",
            "link-url": "https://example.org/e",
        },
        action=page + "link",
    )
    assert response.status_code == 302
    slides, photos, results = _materials(app)
    assert (slides.title_en, photos.title_en, results.title_en) == ("Slides", "", "Results")

    visitor = app.test_client()
    german = _documentation(visitor, conference, "de")
    assert "Folien" in german and "Slides" not in german and "Results" not in german
    english = _documentation(visitor, conference, "en")
    assert "<span>Slides</span></a>" in english and "Folien" not in english
    assert "<span>Results</span></a>" in english
    assert '<span lang="de">Fotos vom Tag</span></a>' in english  # none given: German, marked

    edit = f"{page}{slides.id}/bearbeiten"
    assert 'value="Slides"' in text(team.get(edit))
    response = submit(
        team, edit, {"session": str(workshop), "title": "Folien", "title_en": "", "position": "1"}
    )
    assert response.status_code == 302, text(response)
    assert '<span lang="de">Folien</span></a>' in _documentation(visitor, conference, "en")


def _large_material(app, team, conference: Conference, size: int) -> tuple[str, Path]:
    """A published PDF grown on disk to ``size`` bytes (a comment after its end: still a PDF)."""
    assert upload(team, conference, a_pdf()).status_code == 302
    [material] = _materials(app)
    path = Path(app.config["MATERIALS_DIR"]) / material.stored_name
    with path.open("ab") as handle:
        missing = size - path.stat().st_size
        handle.write(b"\n%" + b"x" * (missing - 2))
    return f"/regionalkonferenzen/{conference.slug}/dokumentation/{material.id}/datei", path


def _descriptors_of(path: Path) -> int:
    """How many of this process's open files are ``path``."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.readlink(fd) == str(path.resolve())
        except OSError:
            pass  # closed while we looked
    return count


def test_a_large_file_is_streamed_from_the_folder_with_the_safe_headers(app, team, conference):
    size = 8 * 1024 * 1024
    url, path = _large_material(app, team, conference, size)
    visitor = app.test_client()
    tracemalloc.start()
    try:
        response = visitor.get(url, buffered=False)
        received = sum(len(block) for block in response.iter_encoded())
        response.close()
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert received == size == int(response.headers["Content-Length"])
    # Read whole, the file alone would take its size; streamed, a few blocks at a time.
    assert peak < size // 8, f"{peak} bytes held for a file of {size}"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]

    part = visitor.get(url, headers={"Range": "bytes=0-4"})
    assert part.status_code == 206 and part.data == b"%PDF-"
    assert part.headers["X-Content-Type-Options"] == "nosniff"
    part.close()

    head = visitor.head(url)
    same = visitor.get(url, headers={"If-None-Match": part.headers["ETag"]})
    assert (head.status_code, same.status_code) == (200, 304)
    assert _descriptors_of(path) == 0  # neither opened the file
    head.close()
    same.close()
    unread = visitor.get(url)  # the test client reads a first block; nobody closes it
    assert _descriptors_of(path) == 1
    del unread
    gc.collect()
    assert _descriptors_of(path) == 0  # closed with the response (and no ResourceWarning)

    path.unlink()  # removed meanwhile (a restore, a cleanup): not found, not an error
    gone = visitor.get(url)
    assert gone.status_code == 404
