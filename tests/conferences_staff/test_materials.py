"""Materials afterwards: staff publish PDF files (checked by content, size-limited, stored
under generated names) and links per session; the public documentation page lists them; the
files come with safe headers; participants get one mail when the documentation is online."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from pypdf import PdfWriter
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conference_support import make_conference
from material_support import a_pdf
from outbox_support import deliver_at
from startsmart import clock
from startsmart.audit.models import AuditEvent
from startsmart.clock import berlin_today
from startsmart.conferences import documentation, materials, programme, service
from startsmart.conferences.models import (
    Conference,
    ConferenceMaterial,
    DocumentationMail,
    SessionKind,
)
from startsmart.extensions import db
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import FederalState
from startsmart.registrations import service as registrations
from startsmart.registrations import staff_service
from startsmart.registrations.models import Attendance, Registration
from startsmart.staff.models import StaffUser
from support import csrf_token, submit, text, town_applicant

pytestmark = pytest.mark.time_sensitive


pdf = a_pdf


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.fixture(autouse=True)
def empty_folder(app):
    """The materials folder as the tables: empty at the start of each test."""
    for path in _stored_files(app):
        path.unlink()


@pytest.fixture
def visitor(app):
    """A member of the public (``team`` is the logged-in staff member's client)."""
    return app.test_client()


@pytest.fixture
def conference(app, team) -> Conference:
    return make_conference(app, berlin_today(clock.now()) + timedelta(days=30))


def _workshop(app, conference: Conference, title: str = "Daten in der Kommune") -> int:
    with app.app_context():
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        day = programme.conference_days(conference)[0]
        return programme.add_session(
            conference.id,
            programme.SessionInput(
                SessionKind.WORKSHOP, title, day, time(10, 45), time(12, 15), room="Raum 1"
            ),
            actor,
            clock.now(),
        ).id


def _page(conference: Conference) -> str:
    return f"/staff/regionalkonferenzen/{conference.id}/materialien/"


def upload(team, conference, data: bytes, name: str = "Ergebnisse.pdf", **fields):
    page = _page(conference)
    form = {
        "csrf_token": csrf_token(team, page),
        "file-session": "",
        "file-title": "",
        "file-file": FileStorage(io.BytesIO(data), name, content_type="application/pdf"),
        **fields,
    }
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(form)
    return team.post(
        page + "datei",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def add_link(team, conference, url: str, title: str = "Fotos vom Tag", session: str = ""):
    page = _page(conference)
    return submit(
        team,
        page,
        {"link-session": session, "link-title": title, "link-url": url},
        action=page + "link",
    )


def _materials(app) -> list[ConferenceMaterial]:
    with app.app_context():
        rows = list(
            db.session.execute(sa.select(ConferenceMaterial).order_by(ConferenceMaterial.id))
            .scalars()
            .all()
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def _stored_files(app) -> list[Path]:
    folder = Path(app.config["MATERIALS_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def _download(client, conference, material_id: int):
    """The file's response, read in full and its file closed."""
    response = client.get(
        f"/regionalkonferenzen/{conference.slug}/dokumentation/{material_id}/datei"
    )
    response.get_data()
    response.close()
    return response


def test_a_real_pdf_is_published_under_a_generated_name_and_served_safely(
    app, team, conference, visitor
):
    workshop = _workshop(app, conference)
    data = pdf()
    before = set(_stored_files(app))
    response = upload(
        team,
        conference,
        data,
        "Präsentation Übersicht.pdf",
        **{"file-session": str(workshop), "file-title": "Folien des Workshops"},
    )
    assert response.status_code == 302, text(response)
    [material] = _materials(app)
    assert material.session_id == workshop
    assert material.file_name == "Präsentation Übersicht.pdf"
    assert material.size_bytes == len(data)
    [new_file] = set(_stored_files(app)) - before
    assert new_file.name == material.stored_name
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", new_file.name)  # never the uploaded name
    assert new_file.read_bytes() == data

    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}"))
    assert f'href="/regionalkonferenzen/{conference.slug}/dokumentation"' in page
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert "Daten in der Kommune" in page and "Folien des Workshops" in page
    assert "PDF, 1 KB" in page

    response = _download(visitor, conference, material.id)
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition  # RFC 6266 / 5987 for the umlauts
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Präsentation Übersicht.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy

    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert "conference.material_added" in actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, "keine PDF-Datei"),
        (HTML, "keine PDF-Datei"),
        (b"%PDF-1.7\n this is not a PDF at all", "beschädigt"),
        (pdf(encrypt=True), "verschlüsselt"),
        (pdf(script=True), "Skripte"),
        (pdf(attach=True), "eingebettete Dateien"),
        (b"", "Bitte wählen Sie eine PDF-Datei aus."),
    ],
    ids=["png", "html", "broken", "encrypted", "javascript", "attachment", "empty"],
)
def test_a_file_that_is_no_clean_pdf_is_refused_with_a_message(
    app, team, conference, data, message
):
    response = upload(team, conference, data, "ergebnisse.pdf", **{"file-title": "Meine Folien"})
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'class="error-summary"' in page
    assert 'value="Meine Folien"' in page  # what was typed stays
    assert _materials(app) == []
    assert _stored_files(app) == []


def test_too_large_a_file_is_refused_and_a_huge_request_gets_the_413_page(
    app, team, conference, monkeypatch
):
    data = pdf()
    monkeypatch.setitem(app.config, "MATERIAL_MAX_BYTES", len(data) - 1)
    response = upload(team, conference, data)
    assert response.status_code == 200
    assert "Die Datei ist zu groß" in text(response)
    assert _materials(app) == [] and _stored_files(app) == []

    # Far beyond the limit and its allowance for the form: refused before it is read.
    response = upload(team, conference, b"%PDF-" + b"0" * (2 * 1024 * 1024))
    assert response.status_code == 413
    assert _materials(app) == []


def test_an_upload_above_the_general_request_limit_but_within_the_materials_limit_works(
    app, team, conference
):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Subject": "x" * (3 * 1024 * 1024)})  # a file of some 3 MB
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(team, conference, data)
    assert response.status_code == 302, text(response)[:2000]
    [material] = _materials(app)
    assert material.size_bytes == len(data)
    assert "3,0 MB" in text(team.get(_page(conference)))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", r"[^/\\]*system\.ini\.pdf"),
        ("ä" * 400 + ".pdf", "ä" * 196 + ".pdf"),
        ("....pdf", "Dokument.pdf"),
        ("ohne-endung", "ohne-endung.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
    ],
    ids=["traversal", "windows-path", "long", "dots", "no-extension", "markup"],
)
def test_hostile_file_names_are_cleaned_and_never_reach_the_disk(
    app, team, conference, visitor, name, shown
):
    response = upload(team, conference, pdf(), name)
    assert response.status_code == 302, text(response)
    [material] = _materials(app)
    assert re.fullmatch(shown, material.file_name) or material.file_name == shown
    [stored] = _stored_files(app)
    assert stored.name == material.stored_name  # in the materials folder, named by us
    response = _download(visitor, conference, material.id)
    assert response.status_code == 200
    assert "<img src=x" not in text(team.get(_page(conference)))  # escaped on the page


def test_a_name_with_a_line_break_never_reaches_a_header(app, team, conference):
    """In a multipart header a CRLF ends the header: the part is no file any more, and the
    form says so. Names that arrive with control characters lose them."""
    response = upload(team, conference, pdf(), "Folien\r\nX-Injected: 1.pdf")
    assert response.status_code == 200
    assert "Bitte wählen Sie eine PDF-Datei aus." in text(response)
    assert _materials(app) == []
    with app.test_request_context():
        assert materials.clean_file_name("Folien\r\nX-Injected:\x00 1\u202e.pdf") == (
            "Folien X-Injected: 1.pdf"
        )
        assert materials.clean_file_name(None) == "Dokument.pdf"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(document.cookie)", "https://"),
        ("data:text/html,<script>alert(1)</script>", "https://"),
        ("https://kts.example@boese.example/", "https://"),
        ("https://example.org/a b", "Leerzeichen"),
        ("https://example.org/\r\nSet-Cookie: x", "Leerzeichen"),
        ("https://[::1", "https://"),
        ("https://" + "a" * 2000 + ".de", "zu lang"),
    ],
    ids=["javascript", "data", "userinfo", "space", "crlf", "broken", "long"],
)
def test_only_proper_web_links_are_published(app, team, conference, url, message):
    response = add_link(team, conference, url)
    assert response.status_code == 200
    page = text(response)
    assert message in page and 'class="error-summary"' in page
    assert _materials(app) == []


def test_links_are_listed_per_session_and_titles_and_order_can_change(
    app, team, conference, visitor
):
    workshop = _workshop(app, conference)
    assert add_link(team, conference, "https://example.org/fotos").status_code == 302
    assert (
        add_link(
            team, conference, "http://example.net/ergebnis", "Ergebnisprotokoll", str(workshop)
        ).status_code
        == 302
    )
    photos, results = _materials(app)
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert page.index("Zur gesamten Konferenz") < page.index("Fotos vom Tag")
    assert page.index("Daten in der Kommune") < page.index("Ergebnisprotokoll")
    assert 'href="https://example.org/fotos" rel="noopener noreferrer external"' in page
    assert "Link zu example.net" in page

    edit = f"{_page(conference)}{photos.id}/bearbeiten"
    response = submit(team, edit, {"session": str(workshop), "title": "Fotos", "position": "0"})
    assert response.status_code == 302, text(response)
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert "Zur gesamten Konferenz" not in page
    assert page.index("Fotos") < page.index("Ergebnisprotokoll")  # position 0 before 2
    response = submit(team, edit, {"session": "999999", "title": "Fotos", "position": "0"})
    assert "Diesen Programmpunkt gibt es nicht mehr." in text(response)

    response = submit(team, f"{_page(conference)}{results.id}/loeschen", {})
    assert response.status_code == 302
    assert [m.id for m in _materials(app)] == [photos.id]
    with app.app_context():
        actions = db.session.execute(sa.select(AuditEvent.action)).scalars().all()
    assert {"conference.material_changed", "conference.material_deleted"} <= set(actions)


def test_deleting_a_file_removes_it_from_disk_and_the_page(app, team, conference, visitor):
    assert upload(team, conference, pdf()).status_code == 302
    [material] = _materials(app)
    response = submit(team, f"{_page(conference)}{material.id}/loeschen", {})
    assert response.status_code == 302
    assert _stored_files(app) == []
    assert _download(visitor, conference, material.id).status_code == 404


def test_materials_of_a_deleted_session_stay_with_the_whole_conference(
    app, team, conference, visitor
):
    workshop = _workshop(app, conference, "Mobilität im ländlichen Raum")
    assert (
        upload(
            team, conference, pdf(), **{"file-session": str(workshop), "file-title": "Folien"}
        ).status_code
        == 302
    )
    response = submit(
        team, f"/staff/regionalkonferenzen/{conference.id}/programm/{workshop}/loeschen", {}
    )
    assert response.status_code == 302
    [material] = _materials(app)
    assert material.session_id is None
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert "Mobilität im ländlichen Raum" not in page
    assert "Zur gesamten Konferenz" in page and "Folien" in page
    assert _download(visitor, conference, material.id).status_code == 200


def test_the_documentation_page_before_anything_is_published(app, team, conference, visitor):
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert "Nach der Konferenz finden Sie hier ihre Ergebnisse und Präsentationen." in page
    detail = text(visitor.get(f"/regionalkonferenzen/{conference.slug}"))
    assert "/dokumentation" not in detail  # no link to an empty page
    assert visitor.get("/regionalkonferenzen/gibt-es-nicht/dokumentation").status_code == 404
    assert _download(visitor, conference, 12345).status_code == 404


def test_the_documentation_page_in_english(app, team, conference, visitor):
    workshop = _workshop(app, conference)
    assert (
        upload(
            team, conference, pdf(), **{"file-title": "Slides", "file-session": str(workshop)}
        ).status_code
        == 302
    )
    visitor.get("/sprache/en")
    page = text(visitor.get(f"/regionalkonferenzen/{conference.slug}/dokumentation"))
    assert '<html lang="en"' in page
    assert '<span lang="de">Daten in der Kommune</span>' in page  # no English title given
    assert "Slides" in page


# -- the one mail ------------------------------------------------------------------------------


def _registered(app, conference: Conference, people: int) -> list[int]:
    with app.app_context():
        date_id = service.conference_date(conference.id).id
        ids = [
            registrations.register(
                date_id, town_applicant(n, FederalState.SH), clock.now(), by_staff=True
            ).registration_id
            for n in range(people)
        ]
        db.session.commit()
        return ids


def _documentation_mails(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(
            db.session.execute(
                sa.select(OutboxMessage).where(OutboxMessage.kind == documentation.TEMPLATE)
            ).scalars()
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def _publish_link(app, conference: Conference, now) -> None:
    """Staff publish a link at ``now`` (through the service: the staff session would have
    timed out on the way to a moment after the conference)."""
    with app.app_context():
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        materials.add_link(conference.id, None, "Fotos", "https://example.org/fotos", actor, now)


def test_one_mail_once_after_the_conference_even_when_the_command_runs_twice(
    app, team, conference, runner, travel, smtp
):
    came, unknown, stayed_away, cancelled = _registered(app, conference, 4)
    ends = conference.ends_at
    with app.app_context():
        registrations.withdraw(cancelled, clock.now())  # cancelled before the day
        db.session.commit()
    travel.move_to(conference.starts_at + timedelta(hours=1))
    with app.app_context():
        actor = db.session.execute(sa.select(StaffUser)).scalars().first()
        date_id = service.conference_date(conference.id).id
        staff_service.record_attendance(
            date_id,
            {came: Attendance.ATTENDED, stayed_away: Attendance.NO_SHOW},
            actor,
            clock.now(),
        )
    delay = timedelta(hours=app.config["DOCUMENTATION_MAIL_DELAY_HOURS"])

    def run(moment) -> str:
        travel.move_to(moment)
        result = runner.invoke(args=["conferences", "send-documentation"])
        assert result.exit_code == 0, result.output
        return result.output

    # Nothing without material, and nothing before the end.
    assert "queued 0" in run(ends + delay + timedelta(hours=1))
    _publish_link(app, conference, ends - timedelta(hours=2 * delay.total_seconds() / 3600))
    assert "queued 0" in run(ends - timedelta(minutes=1))
    # Staff are still adding material: the mail waits for a quiet time after the last one.
    _publish_link(app, conference, ends + timedelta(hours=1))
    assert "queued 0" in run(ends + timedelta(hours=1) + delay - timedelta(minutes=1))

    assert "queued 2 documentation mail(s)" in run(ends + timedelta(hours=1) + delay)
    assert "queued 0 documentation mail(s)" in run(ends + timedelta(hours=1) + delay)

    # Material added later sends nothing more.
    _publish_link(app, conference, ends + timedelta(days=3))
    assert "queued 0" in run(ends + timedelta(days=3) + delay + timedelta(minutes=1))

    mails = _documentation_mails(app)
    with app.app_context():
        expected = {db.session.get_one(Registration, r).person.email for r in (came, unknown)}
        assert db.session.execute(sa.select(sa.func.count(DocumentationMail.id))).scalar() == 2
    assert sorted(m.recipient for m in mails) == sorted(expected)
    with app.app_context():
        deliver_at(clock.now())
    for address in expected:
        [received] = smtp.to(address)[-1:]
        assert "Dokumentation" in received["Subject"]
        body = received.get_body(("plain",)).get_content()
        assert f"https://startsmart.test/regionalkonferenzen/{conference.slug}/dokumentation" in (
            body
        )


def test_no_mail_for_conferences_that_ended_long_ago(app, team, conference):
    _registered(app, conference, 1)
    _publish_link(app, conference, conference.ends_at + timedelta(hours=1))
    with app.app_context():
        late = conference.ends_at + timedelta(
            days=app.config["DOCUMENTATION_MAIL_MAX_AGE_DAYS"], minutes=1
        )
        assert documentation.send_due(late) == 0
        assert documentation.send_due(late - timedelta(minutes=2)) == 1
