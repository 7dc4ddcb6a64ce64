"""Who belongs to which Modellprojekt Smart Cities, as staff see and correct it.

``Municipality.is_model_project`` is the fast flag the rest of Start Smart reads (booking
eligibility, tags on lists); it is kept here, in step with the memberships: true exactly while
the municipality is a member of at least one project. Staff corrections are audit-logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from startsmart.audit import service as audit
from startsmart.database import rowcount
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.municipalities.models import ModelProject, ModelProjectMember, Municipality
from startsmart.staff.models import StaffUser


def keep_flags(municipality_id: int | None = None) -> tuple[int, int]:
    """Set ``is_model_project`` from the memberships (of one municipality, or of all): how
    many were newly marked and unmarked. Part of the caller's transaction."""
    member = (
        sa.select(ModelProjectMember.id)
        .where(
            ModelProjectMember.municipality_id == Municipality.id,
            ModelProjectMember.removed_at.is_(None),
        )
        .exists()
    )
    one = [Municipality.id == municipality_id] if municipality_id is not None else []
    marked = db.session.execute(
        sa.update(Municipality)
        .where(*one, Municipality.is_model_project.is_(False), member)
        .values(is_model_project=True)
        .execution_options(synchronize_session="fetch")
    )
    unmarked = db.session.execute(
        sa.update(Municipality)
        .where(*one, Municipality.is_model_project.is_(True), ~member)
        .values(is_model_project=False)
        .execution_options(synchronize_session="fetch")
    )
    return rowcount(marked), rowcount(unmarked)


@dataclass(frozen=True)
class ProjectLine:
    project: ModelProject
    members: int


def overview() -> list[ProjectLine]:
    """Every project by round and name, with its number of members."""
    count = (
        sa.select(sa.func.count(ModelProjectMember.id))
        .where(
            ModelProjectMember.project_id == ModelProject.id,
            ModelProjectMember.removed_at.is_(None),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(ModelProject, count).order_by(ModelProject.round, ModelProject.name)
    ).all()
    return [ProjectLine(project, members) for project, members in rows]


@dataclass(frozen=True)
class ProjectPage:
    project: ModelProject
    members: list[ModelProjectMember]
    removed: list[ModelProjectMember]  # taken out by staff: the import leaves them out


def project_page(project_id: int) -> ProjectPage | None:
    project = db.session.get(ModelProject, project_id)
    if project is None:
        return None
    rows = list(
        db.session.execute(
            sa.select(ModelProjectMember)
            .join(Municipality, ModelProjectMember.municipality_id == Municipality.id)
            .where(ModelProjectMember.project_id == project_id)
            .options(joinedload(ModelProjectMember.municipality))
            .order_by(Municipality.name)
        ).scalars()
    )
    return ProjectPage(
        project,
        [m for m in rows if m.removed_at is None],
        [m for m in rows if m.removed_at is not None],
    )


def projects_of(municipality_id: int) -> list[ModelProject]:
    """The projects the municipality is a member of, for its staff page."""
    return list(
        db.session.execute(
            sa.select(ModelProject)
            .join(ModelProjectMember, ModelProjectMember.project_id == ModelProject.id)
            .where(
                ModelProjectMember.municipality_id == municipality_id,
                ModelProjectMember.removed_at.is_(None),
            )
            .order_by(ModelProject.round, ModelProject.name)
        ).scalars()
    )


def _lock(municipality_id: int) -> Municipality | None:
    """The municipality's row, locked: two corrections of its projects at once must not
    leave the flag wrong."""
    return db.session.execute(
        sa.select(Municipality).where(Municipality.id == municipality_id).with_for_update()
    ).scalar_one_or_none()


def add_member(
    project_id: int, municipality_id: int, actor: StaffUser, now: datetime
) -> Municipality:
    """Make the municipality a member (again); it then counts as a model project."""
    project = db.session.get(ModelProject, project_id)
    if project is None:
        raise DomainError(_("Dieses Modellprojekt gibt es nicht."))
    municipality = _lock(municipality_id)
    if municipality is None or municipality.verified_at is None or municipality.dissolved_at:
        raise DomainError(
            _("Diese Kommune steht nicht (mehr) im Verzeichnis. Bitte suchen Sie erneut.")
        )
    member = db.session.execute(
        sa.select(ModelProjectMember).where(
            ModelProjectMember.project_id == project_id,
            ModelProjectMember.municipality_id == municipality_id,
        )
    ).scalar_one_or_none()
    if member is not None and member.removed_at is None:
        raise DomainError(
            _("„%(name)s“ gehört schon zu diesem Modellprojekt.", name=municipality.name)
        )
    if member is None:
        member = ModelProjectMember(
            project_id=project_id, municipality_id=municipality_id, created_at=now
        )
        db.session.add(member)
    member.removed_at = None
    member.added_by_staff = True
    municipality.is_model_project = True
    audit.record(
        "model_project.member_added",
        actor,
        now,
        subject=f"model_project:{project_id}",
        municipality_id=municipality_id,
    )
    db.session.commit()
    return municipality


def remove_member(
    project_id: int, municipality_id: int, actor: StaffUser, now: datetime
) -> Municipality | None:
    """Take the municipality out of the project, for good: the import will not add it again.
    Without another project it no longer counts as a model project. None if it was no member."""
    municipality = _lock(municipality_id)
    member = db.session.execute(
        sa.select(ModelProjectMember).where(
            ModelProjectMember.project_id == project_id,
            ModelProjectMember.municipality_id == municipality_id,
            ModelProjectMember.removed_at.is_(None),
        )
    ).scalar_one_or_none()
    if municipality is None or member is None:
        return None
    member.removed_at = now
    db.session.flush()
    keep_flags(municipality_id)
    audit.record(
        "model_project.member_removed",
        actor,
        now,
        subject=f"model_project:{project_id}",
        municipality_id=municipality_id,
    )
    db.session.commit()
    return municipality
