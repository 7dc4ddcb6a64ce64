"""Staff notes on a municipality: written and deleted by their author, audit-logged without
their text; and what a person's deletion or download means for them.

A note is about the Kommune but is free text, so it may name somebody. The download lists the
notes that name the person (name or address); the deletion blanks both where they appear."""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import Municipality, MunicipalityNote, Person
from startsmart.staff.models import StaffUser

FORGOTTEN = "[gelöscht]"


def add_note(municipality_id: int, text: str, author: StaffUser, now: datetime) -> MunicipalityNote:
    if db.session.get(Municipality, municipality_id) is None:
        raise DomainError("unknown municipality")
    note = MunicipalityNote(
        municipality_id=municipality_id, text=text.strip(), author_id=author.id, created_at=now
    )
    db.session.add(note)
    db.session.flush()
    # The text stays out of the log: it may name a person, and the log outlives a deletion.
    audit.record(
        "municipality.note_added",
        author,
        now,
        subject=f"municipality:{municipality_id}",
        note_id=note.id,
    )
    db.session.commit()
    return note


def delete_note(municipality_id: int, note_id: int, actor: StaffUser, now: datetime) -> bool:
    """Only the author deletes a note (others' notes are their record); False if not theirs."""
    note = db.session.get(MunicipalityNote, note_id)
    if note is None or note.municipality_id != municipality_id or note.author_id != actor.id:
        return False
    db.session.delete(note)
    audit.record(
        "municipality.note_deleted",
        actor,
        now,
        subject=f"municipality:{municipality_id}",
        note_id=note_id,
    )
    db.session.commit()
    return True


def _naming(person: Person) -> tuple[list[str], list[MunicipalityNote]]:
    traces = [t for t in (person.name, person.email) if t and t.strip()]
    if not traces:
        return [], []
    lowered = sa.func.lower(MunicipalityNote.text)
    notes = db.session.execute(
        sa.select(MunicipalityNote)
        .where(sa.or_(*(lowered.contains(t.lower(), autoescape=True) for t in traces)))
        .order_by(MunicipalityNote.created_at)
    ).scalars()
    # SQL lower() knows no umlauts on SQLite: the Python check below decides.
    pattern = re.compile("|".join(re.escape(t) for t in traces), re.IGNORECASE)
    return traces, [n for n in notes if pattern.search(n.text)]


def naming(person: Person) -> list[MunicipalityNote]:
    """The notes that name ``person`` by name or e-mail address, for their download."""
    return _naming(person)[1]


def forget(person: Person) -> int:
    """Blank the person's name and address in every note; how many notes changed. Part of the
    deletion's transaction (the caller commits)."""
    traces, notes = _naming(person)
    pattern = re.compile("|".join(re.escape(t) for t in traces), re.IGNORECASE)
    for note in notes:
        note.text = pattern.sub(FORGOTTEN, note.text)
    return len(notes)
