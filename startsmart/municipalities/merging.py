"""One record per Kommune: everything that names one municipality row moves to another row of
the same Land, and the first row goes. Staff merge a misspelt or doubled row from the review
or the Kommune page (``merge``); ``flask municipalities match`` moves a typed row onto its entry
in the official directory (``matching``). Both use ``absorb``, so nothing is left behind
whoever merges: registrations, consultations, people, staff notes, speed-dating participants,
memberships in model projects and what unconfirmed forms typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.audit import service as audit
from startsmart.consultations.models import Consultation
from startsmart.database import rowcount
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities import project_members
from startsmart.municipalities.models import (
    ModelProjectMember,
    Municipality,
    MunicipalityNote,
    Person,
)
from startsmart.registrations.models import Registration
from startsmart.speed_dating.models import SpeedDatingParticipant
from startsmart.staff.models import StaffUser


@dataclass(frozen=True)
class Moved:
    """How many rows now name the surviving municipality instead of the merged one."""

    registrations: int
    consultations: int
    people: int
    notes: int
    speed_dating: int
    model_projects: int  # memberships in a Modellprojekt Smart Cities


@dataclass(frozen=True)
class Merged:
    """What moved from the merged municipality to the one that stays."""

    name: str  # the merged row's name, gone now
    into: Municipality
    registrations: int
    consultations: int
    people: int


def lock(*ids: int) -> dict[int, Municipality]:
    """The rows ``ids``, locked in the order of their ids (two staff merging the same pair
    the other way round queue up instead of deadlocking). A booking locks its municipality's
    row too, so one for a row being merged either finishes before (and is moved) or waits."""
    rows = db.session.execute(
        sa.select(Municipality)
        .where(Municipality.id.in_(ids))
        .order_by(Municipality.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars()
    return {row.id: row for row in rows}


def absorb(merged: Municipality, into: Municipality) -> Moved:
    """Move everything naming ``merged`` to ``into`` and delete ``merged``: a step of the
    caller's unit of work (both rows locked, not committed). ``into`` keeps its name, key and
    size class (it takes ``merged``'s only if it has none); it is a model project if either
    was (the memberships move), so the rules for model projects hold for everything that came
    from either row."""
    moved = {
        model: rowcount(
            db.session.execute(
                sa.update(model)
                .where(model.municipality_id == merged.id)
                .values(municipality_id=into.id)
                .execution_options(synchronize_session=False)
            )
        )
        # Notes too: staff wrote them about the same Kommune under the other row's name.
        for model in (Registration, Consultation, Person, MunicipalityNote)
    }
    # The check-in keeps the name as it was then; the surviving name belongs on the cards too.
    speed_dating = rowcount(
        db.session.execute(
            sa.update(SpeedDatingParticipant)
            .where(SpeedDatingParticipant.municipality_id == merged.id)
            .values(municipality_id=into.id, municipality_name=into.name)
            .execution_options(synchronize_session=False)
        )
    )
    for model in (Registration, Consultation):
        _move_pending(model, merged.id, into.id)
    memberships = _move_memberships(merged.id, into.id)
    carried_ags = merged.ags if into.ags is None and into.ars is None else None
    db.session.execute(
        sa.delete(Municipality)
        .where(Municipality.id == merged.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expunge(merged)
    if into.population_class is None:
        into.population_class = merged.population_class
    if carried_ags is not None:
        # After the delete: the key is unique, and only now free.
        into.ags = carried_ags
    db.session.flush()
    # A model project if either row was one: the flag follows the memberships just moved.
    project_members.keep_flags(into.id)
    return Moved(
        registrations=moved[Registration],
        consultations=moved[Consultation],
        people=moved[Person],
        notes=moved[MunicipalityNote],
        speed_dating=speed_dating,
        model_projects=memberships,
    )


def _move_memberships(merged_id: int, into_id: int) -> int:
    """The merged row's memberships in model projects go to ``into``; where both are in the
    same project, one row stays (a membership of either is one of the Kommune)."""
    ours = {
        member.project_id: member
        for member in db.session.execute(
            sa.select(ModelProjectMember).where(ModelProjectMember.municipality_id == into_id)
        ).scalars()
    }
    theirs = db.session.execute(
        sa.select(ModelProjectMember).where(ModelProjectMember.municipality_id == merged_id)
    ).scalars()
    moved = 0
    for member in theirs:
        kept = ours.get(member.project_id)
        if kept is None:
            member.municipality_id = into_id
            moved += 1
            continue
        if member.removed_at is None and kept.removed_at is not None:
            kept.removed_at = None
        db.session.delete(member)
    db.session.flush()
    return moved


def _move_pending(model: Any, merged_id: int, into_id: int) -> None:
    """Unconfirmed forms typed the merged municipality (``pending_person``): confirming one
    later must apply the surviving municipality, not an id that no longer exists."""
    typed = model.pending_person["municipality_id"].as_integer()
    for row in db.session.execute(sa.select(model).where(typed == merged_id)).scalars():
        # A new dict: the JSON column does not notice changes inside the old one.
        row.pending_person = {**row.pending_person, "municipality_id": into_id}


def check(merged: Municipality, into: Municipality | None) -> Municipality:
    """``into`` if staff may merge ``merged`` into it, else a DomainError saying why."""
    if into is None or into.id == merged.id:
        raise DomainError(
            _(
                "Bitte wählen Sie die Kommune, mit der „%(name)s“ eins werden soll.",
                name=merged.name,
            ),
            "into",
        )
    if into.state is not merged.state:
        raise DomainError(
            _(
                "„%(name)s“ liegt in %(state)s, „%(into)s“ in %(into_state)s: Kommunen "
                "verschiedener Bundesländer lassen sich nicht zusammenführen.",
                name=merged.name,
                state=merged.state.label,
                into=into.name,
                into_state=into.state.label,
            ),
            "into",
        )
    if merged.ars is not None and into.ars is None:
        raise DomainError(
            _(
                "„%(name)s“ ist ein Eintrag des amtlichen Gemeindeverzeichnisses und lässt sich "
                "nicht in eine eingetippte Kommune überführen. Führen Sie umgekehrt „%(into)s“ "
                "mit „%(name)s“ zusammen.",
                name=merged.name,
                into=into.name,
            ),
            "into",
        )
    if merged.ars is not None and merged.dissolved_at is None:
        raise DomainError(
            _(
                "„%(name)s“ ist ein gültiger Eintrag des amtlichen Gemeindeverzeichnisses und "
                "bleibt bestehen. Führen Sie umgekehrt „%(into)s“ mit „%(name)s“ zusammen.",
                name=merged.name,
                into=into.name,
            ),
            "into",
        )
    if into.verified_at is None or into.dissolved_at is not None:
        raise DomainError(
            _("Bitte wählen Sie eine geprüfte Kommune aus demselben Bundesland."), "into"
        )
    return into


def merge(merged_id: int, into_id: int | None, actor: StaffUser, now: datetime) -> Merged:
    """Staff merge any municipality row into another verified one of the same Land (never an
    entry of the official directory into a typed row): one transaction, audit-logged."""
    rows = lock(merged_id, *([into_id] if into_id is not None else []))
    merged = rows.get(merged_id)
    if merged is None:
        raise DomainError(_("Diese Kommune gibt es nicht mehr (schon zusammengeführt?)."))
    into = check(merged, rows.get(into_id) if into_id is not None else None)
    name, merged_ags, merged_ars = merged.name, merged.ags, merged.ars
    moved = absorb(merged, into)
    audit.record(
        "municipality.merged",
        actor,
        now,
        subject=f"municipality:{into.id}",
        merged=name,
        merged_id=merged_id,
        merged_ags=merged_ags,
        merged_ars=merged_ars,
        into=into.name,
        state=into.state.value,
        registrations=moved.registrations,
        consultations=moved.consultations,
        people=moved.people,
        notes=moved.notes,
        speed_dating=moved.speed_dating,
        model_projects=moved.model_projects,
    )
    db.session.commit()
    return Merged(name, into, moved.registrations, moved.consultations, moved.people)
