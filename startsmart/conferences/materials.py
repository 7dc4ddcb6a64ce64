"""Materials afterwards: the PDF files and links staff publish for a conference's sessions (or
the conference as a whole), and the public documentation page that lists them.

Files are PDF only, because a PDF is the one format we can check by its content as well as
by its name: it must start with ``%PDF-``, pypdf must read it, and it must not be encrypted
(we could not look inside), nor carry JavaScript, launch actions, embedded files or XFA forms
(``pdf_problem``). These files are published under the KTS's name to municipalities; slides
and results never need those features, and a file that has them is re-saved by "print to
PDF". Any other format (pictures, office files) cannot be checked as well and is refused.

A file is stored under a name generated here, in ``MATERIALS_DIR``; the uploaded name is kept,
cleaned of paths and control characters, only for the download. The file is written before
the row is committed and removed again if the commit fails; a deleted material's file is
removed after the commit, so a rollback never leaves a row without its file.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from startsmart.audit import service as audit
from startsmart.catalog.staff_service import one_line
from startsmart.conferences.models import (
    Conference,
    ConferenceMaterial,
    ConferenceSession,
    MaterialKind,
)
from startsmart.conferences.programme import sessions_of
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import StaffUser

log = logging.getLogger(__name__)

TITLE_MAX = 200
FILE_NAME_MAX = 200  # the column; longer names are shortened, keeping ".pdf"
URL_MAX = 2000
MAX_POSITION = 999
# Objects of a PDF looked at for active content; more than this and the file is refused as too
# complex (a slide deck has a few thousand).
MAX_PDF_OBJECTS = 200_000

# Keys that carry scripts, programs or other files inside a PDF, and action types that run them.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/EF", "/XFA"}
_ACTIVE_KEYS |= {"/RichMedia", "/RichMediaContent", "/Launch"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}


# -- checks -------------------------------------------------------------------------------------


def pdf_problem(data: bytes) -> str | None:
    """Why ``data`` is not a PDF we publish (a message for staff), or None if it is fine."""
    if not data.startswith(b"%PDF-"):
        return _(
            "Die Datei ist keine PDF-Datei (ihr Inhalt ist kein PDF, auch wenn der Name auf "
            ".pdf endet). Bitte laden Sie ein PDF hoch."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return _(
                "Die PDF-Datei ist verschlüsselt oder kennwortgeschützt. Bitte speichern Sie "
                "sie ohne Schutz und laden Sie sie erneut hoch."
            )
        if len(reader.pages) < 1:
            raise ValueError("no pages")
        active = _has_active_content(reader)
    # pypdf reports a broken file with many kinds of error (its own, ValueError, KeyError,
    # RecursionError on cycles …): whatever it is, the file cannot be published.
    except Exception as error:  # noqa: BLE001
        log.info("refused an unreadable PDF: %r", error)
        return _(
            "Die PDF-Datei ist beschädigt und lässt sich nicht lesen. Bitte speichern oder "
            "exportieren Sie sie erneut."
        )
    if active is None:
        return _("Die PDF-Datei ist zu komplex. Bitte exportieren Sie sie erneut als PDF.")
    if active:
        return _(
            "Die PDF-Datei enthält Skripte, eingebettete Dateien oder Aktionen, die Programme "
            "starten. Solche Dateien veröffentlichen wir nicht. Bitte speichern Sie sie über "
            "„Drucken als PDF“ neu."
        )
    return None


def _has_active_content(reader: PdfReader) -> bool | None:
    """Whether any object reachable from the trailer carries active content; None when there
    are too many objects to look at."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [reader.trailer]
    looked_at = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        looked_at += 1
        if looked_at > MAX_PDF_OBJECTS:
            return None
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _ACTIVE_KEYS:
                    return True
                if name == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    return True
                if name != "/Parent":  # the page tree's way up: reached from above anyway
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def clean_file_name(name: str | None) -> str:
    """The uploaded name as shown and offered for download: no folders, no control or
    invisible characters, NFC, at most ``FILE_NAME_MAX`` characters, ending in ".pdf"."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C" or ch.isspace()
    )
    name = " ".join(name.split())
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" .")[: FILE_NAME_MAX - 4].rstrip(" .") or _("Dokument")
    return stem + ".pdf"


def checked_link(url: str | None, field: str = "url") -> str:
    """``url`` as stored, or a DomainError: a complete http(s) address without spaces or
    a user name in it ("https://kts.example@other.example" would deceive the reader)."""
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), field)
    if len(url) > URL_MAX:
        raise DomainError(
            _(
                "Der Link ist zu lang: höchstens %(max)d Zeichen, Ihrer hat %(num)d.",
                max=URL_MAX,
                num=len(url),
            ),
            field,
        )
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        raise DomainError(
            _("Der Link darf keine Leerzeichen oder Zeilenumbrüche enthalten."), field
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- a port that is no number raises here
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
    ):
        raise DomainError(
            _(
                "Bitte geben Sie einen vollständigen Link an, der mit https:// oder http:// "
                "beginnt."
            ),
            field,
        )
    return url


def link_host(url: str | None) -> str:
    """The site a link leads to, as shown next to it ("www.example.org")."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


def _title(value: str | None, fallback: str = "") -> str:
    title = one_line(value) or fallback
    if not title:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), "title")
    return title[:TITLE_MAX]


def _title_en(value: str | None) -> str:
    """The English title, optional: the English pages fall back to the German one."""
    return one_line(value)[:TITLE_MAX]


def _session_id(conference_id: int, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    session = db.session.get(ConferenceSession, session_id)
    if session is None or session.conference_id != conference_id:
        raise DomainError(_("Diesen Programmpunkt gibt es nicht mehr."), "session")
    return session.id


def _conference(conference_id: int) -> Conference:
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        raise DomainError(_("Diese Regionalkonferenz gibt es nicht."))
    return conference


# -- storage ------------------------------------------------------------------------------------


def folder() -> Path:
    return Path(current_app.config["MATERIALS_DIR"])


def file_path(material: ConferenceMaterial) -> Path:
    assert material.stored_name is not None
    return folder() / material.stored_name


class OpenedOnRead(io.RawIOBase):
    """A stored file, opened at its first read or seek and closed with the response.

    Downloads are streamed in blocks, never read whole (a file may be MATERIAL_MAX_BYTES, and
    many people download at once). Opening late means a response whose body is never sent (a
    HEAD request, a 304) opens no file; one dropped unclosed closes it when collected."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._file: io.FileIO | None = None

    def _opened(self) -> io.FileIO:
        if self._file is None:
            if self.closed:
                raise ValueError("I/O operation on closed file")
            self._file = io.FileIO(self._path, "r")
        return self._file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._opened().readinto(buffer)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._opened().seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell() if self._file is not None else 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def stored_file(material: ConferenceMaterial) -> tuple[IO[bytes], int]:
    """The material's file to stream and its size; ``FileNotFoundError`` when it is gone."""
    path = file_path(material)
    size = path.stat().st_size
    # A binary file object, which typeshed's IO[bytes] (what send_file asks) does not name.
    return cast(IO[bytes], OpenedOnRead(path)), size


def _write(data: bytes) -> str:
    """Store ``data`` under a new generated name (never the uploaded one); returns the name."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True, mode=0o750)
    name = secrets.token_hex(16) + ".pdf"
    fd = os.open(target / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return name


def _remove(stored_name: str) -> None:
    try:
        (folder() / stored_name).unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove the material file %s", stored_name, exc_info=True)


# -- staff changes ------------------------------------------------------------------------------


def _record(action: str, material: ConferenceMaterial, actor: StaffUser, now: datetime) -> None:
    audit.record(
        action,
        actor,
        now,
        subject=f"conference:{material.conference_id}",
        material=material.id,
        session=material.session_id,
        kind=material.kind.value,
        title=material.title,
        title_en=material.title_en,
        url=material.url,
        file=material.file_name,
    )


def add_file(
    conference_id: int,
    session_id: int | None,
    title: str | None,
    upload_name: str | None,
    data: bytes,
    actor: StaffUser,
    now: datetime,
    title_en: str | None = None,
) -> ConferenceMaterial:
    """Publish a PDF file, checked by size and content."""
    conference = _conference(conference_id)
    limit = current_app.config["MATERIAL_MAX_BYTES"]
    if not data:
        raise DomainError(_("Bitte wählen Sie eine PDF-Datei aus."), "file")
    if len(data) > limit:
        raise DomainError(
            _(
                "Die Datei ist zu groß: höchstens %(max)s, Ihre hat %(size)s.",
                max=size_text(limit),
                size=size_text(len(data)),
            ),
            "file",
        )
    problem = pdf_problem(data)
    if problem:
        raise DomainError(problem, "file")
    file_name = clean_file_name(upload_name)
    material = ConferenceMaterial(
        conference_id=conference.id,
        session_id=_session_id(conference.id, session_id),
        kind=MaterialKind.FILE,
        title=_title(title, file_name[:-4]),
        title_en=_title_en(title_en),
        position=_next_position(conference.id),
        file_name=file_name,
        size_bytes=len(data),
        created_at=now,
    )
    material.stored_name = _write(data)
    try:
        db.session.add(material)
        db.session.flush()
        _record("conference.material_added", material, actor, now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _remove(material.stored_name)
        raise
    return material


def add_link(
    conference_id: int,
    session_id: int | None,
    title: str | None,
    url: str | None,
    actor: StaffUser,
    now: datetime,
    title_en: str | None = None,
) -> ConferenceMaterial:
    conference = _conference(conference_id)
    material = ConferenceMaterial(
        conference_id=conference.id,
        session_id=_session_id(conference.id, session_id),
        kind=MaterialKind.LINK,
        title=_title(title),
        title_en=_title_en(title_en),
        url=checked_link(url),
        position=_next_position(conference.id),
        created_at=now,
    )
    db.session.add(material)
    db.session.flush()
    _record("conference.material_added", material, actor, now)
    db.session.commit()
    return material


def _next_position(conference_id: int) -> int:
    highest = db.session.execute(
        sa.select(sa.func.max(ConferenceMaterial.position)).where(
            ConferenceMaterial.conference_id == conference_id
        )
    ).scalar_one_or_none()
    return min((highest or 0) + 1, MAX_POSITION)


def change_material(
    material_id: int,
    session_id: int | None,
    title: str | None,
    position: int,
    actor: StaffUser,
    now: datetime,
    title_en: str | None = None,
) -> ConferenceMaterial:
    """A new title (German, and English or none), place in the list (lower first) or
    session."""
    material = db.session.get(ConferenceMaterial, material_id)
    if material is None:
        raise DomainError(_("Dieses Material gibt es nicht mehr."))
    if not 0 <= position <= MAX_POSITION:
        raise DomainError(
            _("Bitte geben Sie eine Zahl von %(min)d bis %(max)d an.", min=0, max=MAX_POSITION),
            "position",
        )
    material.title = _title(title)
    material.title_en = _title_en(title_en)
    material.position = position
    material.session_id = _session_id(material.conference_id, session_id)
    _record("conference.material_changed", material, actor, now)
    db.session.commit()
    return material


def delete_material(material_id: int, actor: StaffUser, now: datetime) -> None:
    """Unpublish a material; its file is removed once the deletion is committed."""
    material = db.session.get(ConferenceMaterial, material_id)
    if material is None:
        return  # deleted already (a second click)
    stored_name = material.stored_name
    _record("conference.material_deleted", material, actor, now)
    db.session.delete(material)
    db.session.commit()
    if stored_name:
        _remove(stored_name)


# -- reading ------------------------------------------------------------------------------------


def materials_of(conference_id: int) -> list[ConferenceMaterial]:
    return list(
        db.session.execute(
            sa.select(ConferenceMaterial)
            .where(ConferenceMaterial.conference_id == conference_id)
            .order_by(ConferenceMaterial.position, ConferenceMaterial.id)
        ).scalars()
    )


def has_materials(conference_id: int) -> bool:
    return (
        db.session.execute(
            sa.select(ConferenceMaterial.id)
            .where(ConferenceMaterial.conference_id == conference_id)
            .limit(1)
        ).first()
        is not None
    )


@dataclass(frozen=True)
class Group:
    """The materials of one session (None: of the conference as a whole)."""

    session: ConferenceSession | None
    materials: list[ConferenceMaterial]


def documentation(conference_id: int) -> list[Group]:
    """The materials by session in programme order, those of the whole conference first;
    sessions without material are left out."""
    materials = materials_of(conference_id)
    groups = [Group(None, [m for m in materials if m.session_id is None])]
    for session in sessions_of(conference_id):
        groups.append(Group(session, [m for m in materials if m.session_id == session.id]))
    return [group for group in groups if group.materials]


def size_text(size: int) -> str:
    """A file size as people read it, in the page's language: "1,2 MB", "350 KB"."""
    if size >= 1024 * 1024:
        return _("%(num)s MB", num=format_decimal(size / (1024 * 1024), "#,##0.0"))
    return _("%(num)s KB", num=format_decimal(max(1, round(size / 1024)), "#,##0"))
