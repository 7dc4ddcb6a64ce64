"""Staff keep the topics: list them with their use, rename them in German and English, delete
an unused one. New topics come with an offering (``staff_service``).

A topic's slug stays when it is renamed: it is the ``?thema=`` of public filter links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from startsmart.audit import service as audit
from startsmart.bilingual import ENGLISH, text_of
from startsmart.catalog.models import Offering, Topic, offering_topic
from startsmart.catalog.staff_service import one_line
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.staff.models import StaffUser

MAX_NAME = 120  # Topic.name and Topic.name_en


@dataclass(frozen=True)
class TopicInput:
    """What staff entered about a topic."""

    name: str
    name_en: str = ""


def _uses() -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count())
        .select_from(offering_topic)
        .where(offering_topic.c.topic_id == Topic.id)
        .correlate(Topic)
        .scalar_subquery()
    )


def topics_overview() -> list[tuple[Topic, int]]:
    """Every topic by its German name, with the number of offerings it is given to (retired
    ones too: they keep their topics)."""
    rows = db.session.execute(sa.select(Topic, _uses()).order_by(Topic.name)).all()
    return [(topic, uses) for topic, uses in rows]


def offerings_with(topic_id: int) -> list[Offering]:
    """The offerings that have the topic, by title."""
    return list(
        db.session.execute(
            sa.select(Offering)
            .join(offering_topic, offering_topic.c.offering_id == Offering.id)
            .where(offering_topic.c.topic_id == topic_id)
            .order_by(Offering.title)
        ).scalars()
    )


def _locked(topic_id: int) -> Topic | None:
    return db.session.execute(
        sa.select(Topic).where(Topic.id == topic_id).with_for_update()
    ).scalar_one_or_none()


def _checked_name(value: str, field: str, required: bool) -> str:
    name = one_line(value)
    if required and not name:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), field)
    if len(name) > MAX_NAME:
        raise DomainError(
            _("Der Name darf höchstens %(max)d Zeichen lang sein.", max=MAX_NAME), field
        )
    return name


def _check_unique(topic: Topic) -> None:
    """No two topics read alike, in German or on English pages (where a topic without an
    English name shows its German one). Few topics, and SQLite's lower() knows no umlauts:
    compared in Python."""
    others = db.session.execute(sa.select(Topic).where(Topic.id != topic.id)).scalars().all()
    german = topic.name.casefold()
    if same := next((t for t in others if t.name.casefold() == german), None):
        raise DomainError(
            _(
                "Ein Thema „%(name)s“ gibt es schon. Bitte wählen Sie einen anderen Namen.",
                name=same.name,
            ),
            "name",
        )
    english = text_of(topic, "name", ENGLISH).casefold()
    if same := next((t for t in others if text_of(t, "name", ENGLISH).casefold() == english), None):
        raise DomainError(
            _(
                "Auf englischen Seiten heißt schon das Thema „%(other)s“ so: „%(name)s“. "
                "Bitte geben Sie einen anderen englischen Namen an.",
                other=same.name,
                name=text_of(same, "name", ENGLISH),
            ),
            "name_en",
        )


def update_topic(topic_id: int, data: TopicInput, actor: StaffUser, now: datetime) -> Topic:
    """Rename a topic in German and English; its slug (public filter links) stays."""
    topic = _locked(topic_id)
    if topic is None:
        raise DomainError(_("Dieses Thema gibt es nicht mehr."))
    before = (topic.name, topic.name_en)
    name = _checked_name(data.name, "name", required=True)
    name_en = _checked_name(data.name_en, "name_en", required=False)
    with db.session.no_autoflush:  # checked before anything reaches the database
        topic.name, topic.name_en = name, name_en
        _check_unique(topic)
    if (name, name_en) != before:
        audit.record(
            "topic.updated",
            actor,
            now,
            subject=f"topic:{topic.id}",
            name=f"{before[0]} -> {name}" if name != before[0] else name,
            name_en=f"{before[1] or '–'} -> {name_en or '–'}" if name_en != before[1] else None,
        )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same German name saved at the same moment
        db.session.rollback()
        raise DomainError(
            _(
                "Gleichzeitig wurde ein Thema mit diesem Namen gespeichert. Bitte wählen Sie "
                "einen anderen Namen."
            ),
            "name",
        ) from None
    return topic


def still_used(topic: Topic, uses: int) -> str:
    """Why ``topic`` cannot be deleted yet."""
    return ngettext(
        "„%(name)s“ lässt sich nicht löschen: %(num)d Angebot hat dieses Thema. Nehmen Sie es "
        "dort zuerst heraus.",
        "„%(name)s“ lässt sich nicht löschen: %(num)d Angebote haben dieses Thema. Nehmen Sie "
        "es dort zuerst heraus.",
        uses,
        name=topic.name,
    )


def uses_of(topic_id: int) -> int:
    """How many offerings have the topic."""
    count: int = db.session.execute(
        sa.select(sa.func.count())
        .select_from(offering_topic)
        .where(offering_topic.c.topic_id == topic_id)
    ).scalar_one()
    return count


def delete_topic(topic_id: int, actor: StaffUser, now: datetime) -> None:
    """Delete a topic no offering has. Counted under the topic's lock: an offering given the
    topic meanwhile is seen, not cascaded away."""
    topic = _locked(topic_id)
    if topic is None:
        return  # deleted already (a second click): nothing left to do
    if uses := uses_of(topic.id):
        raise DomainError(still_used(topic, uses))
    audit.record(
        "topic.deleted",
        actor,
        now,
        subject=f"topic:{topic.id}",
        name=topic.name,
        name_en=topic.name_en or None,
        slug=topic.slug,
    )
    db.session.delete(topic)
    db.session.commit()
