"""Staff manage the offerings: create, edit, retire and reactivate; topics on the way.

Each write is one transaction that the function commits; a rule that says no raises a
``DomainError`` naming the form field it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from startsmart import join_links
from startsmart.audit import service as audit
from startsmart.catalog.models import EventDate, Offering, OfferingFormat, Topic
from startsmart.catalog.slugs import slugify, unique_slug
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.registrations import date_changes
from startsmart.staff.models import StaffUser


@dataclass(frozen=True)
class OfferingInput:
    """What staff entered about an offering."""

    title: str
    summary: str
    description: str
    topic_ids: Sequence[int] = ()
    new_topic: str = ""
    default_capacity: int = 30
    default_duration_minutes: int = 90
    per_municipality_limit: int = 2
    default_join_url: str | None = None  # the link of its online dates without their own
    # The English texts, optional (empty: English pages show the German ones).
    title_en: str = ""
    summary_en: str = ""
    description_en: str = ""
    new_topic_en: str = ""


def plain_text(value: str | None) -> str:
    """Form text as stored: Unix line breaks (browsers send CRLF), no blanks at either end."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def _required(value: str, field: str) -> str:
    if not value:
        raise DomainError(_("Bitte füllen Sie dieses Feld aus."), field)
    return value


def _topics(topic_ids: Sequence[int], new_topic: str, new_topic_en: str = "") -> list[Topic]:
    wanted = set(topic_ids)
    topics = list(
        db.session.execute(sa.select(Topic).where(Topic.id.in_(wanted))).scalars() if wanted else []
    )
    if len(topics) != len(wanted):
        raise DomainError(
            _("Eines der gewählten Themen gibt es nicht mehr. Bitte wählen Sie erneut."), "topics"
        )
    name = one_line(new_topic)
    if not name:
        if one_line(new_topic_en):
            raise DomainError(
                _("Bitte geben Sie den deutschen Namen des neuen Themas an."), "new_topic"
            )
        return topics
    # Few topics, and SQLite's lower() knows no umlauts: compare in Python.
    known = {t.name.casefold(): t for t in db.session.execute(sa.select(Topic)).scalars()}
    topic = known.get(name.casefold())
    if topic is None:
        slug = unique_slug(slugify(name, fallback="thema"), _slug_taken(Topic))
        topic = Topic(name=name, name_en=one_line(new_topic_en), slug=slug)
        db.session.add(topic)
    elif one_line(new_topic_en):
        topic.name_en = one_line(new_topic_en)  # naming a known topic in English, too
    if topic not in topics:
        topics.append(topic)
    return topics


def _slug_taken(model: type[Offering | Topic]) -> Callable[[str], bool]:
    def taken(slug: str) -> bool:
        found: bool = db.session.execute(
            sa.select(sa.exists().where(model.slug == slug))
        ).scalar_one()
        return found

    return taken


def _apply(offering: Offering, data: OfferingInput) -> None:
    topics = _topics(data.topic_ids, data.new_topic, data.new_topic_en)
    offering.title = _required(one_line(data.title), "title")
    offering.summary = _required(one_line(data.summary), "summary")
    offering.description = _required(plain_text(data.description), "description")
    offering.title_en = one_line(data.title_en)
    offering.summary_en = one_line(data.summary_en)
    offering.description_en = plain_text(data.description_en)
    if data.default_capacity < 0:
        raise DomainError(_("Die Zahl der Plätze kann nicht negativ sein."), "default_capacity")
    if data.default_duration_minutes <= 0:
        raise DomainError(
            _("Die Dauer muss mindestens eine Minute sein."), "default_duration_minutes"
        )
    if data.per_municipality_limit <= 0:
        raise DomainError(
            _("Mindestens eine Person je Kommune muss möglich sein."), "per_municipality_limit"
        )
    offering.default_capacity = data.default_capacity
    offering.default_duration_minutes = data.default_duration_minutes
    offering.per_municipality_limit = data.per_municipality_limit
    offering.default_join_url = join_links.checked(data.default_join_url, "default_join_url")
    offering.topics = topics


def _commit() -> None:
    # The slug is unique; two offerings of the same title saved at the same moment lose here.
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise DomainError(
            _(
                "Gleichzeitig wurde ein Angebot oder Thema mit demselben Namen gespeichert. "
                "Bitte senden Sie das Formular noch einmal."
            ),
            "title",
        ) from None


def create_offering(
    fmt: OfferingFormat, data: OfferingInput, actor: StaffUser, now: datetime
) -> Offering:
    """A new offering; its slug (the public address) comes from the title and stays."""
    if fmt is OfferingFormat.CONFERENCE:
        raise DomainError(
            _("Regionalkonferenzen legen Sie unter „Regionalkonferenzen“ an."), "format"
        )
    # Not flushed half-built (the topics reach the session before the slug is known).
    with db.session.no_autoflush:
        offering = Offering(format=fmt, created_at=now)
        _apply(offering, data)
        offering.slug = unique_slug(slugify(offering.title), _slug_taken(Offering))
    db.session.add(offering)
    db.session.flush()
    audit.record(
        "offering.created", actor, now, subject=f"offering:{offering.id}", title=offering.title
    )
    _commit()
    return offering


def update_offering(
    offering_id: int, data: OfferingInput, actor: StaffUser, now: datetime
) -> Offering:
    """Change texts, topics and defaults. The slug stays, so links and feeds keep working."""
    offering = _get(offering_id)
    link = offering.default_join_url
    if link and not (data.default_join_url or "").strip():
        _check_nobody_relies_on(offering, now)
    _apply(offering, data)
    audit.record(
        "offering.updated", actor, now, subject=f"offering:{offering.id}", title=offering.title
    )
    if offering.default_join_url != link:
        db.session.flush()
        date_changes.offering_link_changed(offering.id, now)
    _commit()
    return offering


def _check_nobody_relies_on(offering: Offering, now: datetime) -> None:
    # An online date without a link of its own takes the offering's; it must not lose it.
    if using := date_changes.dates_using_offering_link(offering.id, now):
        raise DomainError(
            ngettext(
                "%(num)d kommender Online-Termin hat keinen eigenen Link und nutzt diesen. "
                "Tragen Sie dort zuerst einen Link ein.",
                "%(num)d kommende Online-Termine haben keinen eigenen Link und nutzen diesen. "
                "Tragen Sie dort zuerst einen Link ein.",
                len(using),
            ),
            "default_join_url",
        )


def _get(offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        raise DomainError(_("Dieses Angebot gibt es nicht."))
    return offering


def retire_offering(offering_id: int, actor: StaffUser, now: datetime) -> Offering:
    """Take the offering out of the public catalogue; its dates and history stay."""
    offering = _get(offering_id)
    if offering.retired_at is None:
        offering.retired_at = now
        audit.record("offering.retired", actor, now, subject=f"offering:{offering.id}")
    db.session.commit()
    return offering


def reactivate_offering(offering_id: int, actor: StaffUser, now: datetime) -> Offering:
    """Show a retired offering in the catalogue again."""
    offering = _get(offering_id)
    if offering.retired_at is not None:
        audit.record("offering.reactivated", actor, now, subject=f"offering:{offering.id}")
    offering.retired_at = None
    db.session.commit()
    return offering


def all_topics() -> list[Topic]:
    return list(db.session.execute(sa.select(Topic).order_by(Topic.name)).scalars())


def offerings_overview(now: datetime) -> list[tuple[Offering, int]]:
    """Every catalogue offering, live ones first, with its number of dates still to come."""
    upcoming = (
        sa.select(sa.func.count(EventDate.id))
        .where(EventDate.offering_id == Offering.id, EventDate.ends_at > now)
        .correlate(Offering)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Offering, upcoming)
        .where(Offering.format != OfferingFormat.CONFERENCE)  # managed with their conference
        .options(selectinload(Offering.topics))
        .order_by(Offering.retired_at.is_not(None), Offering.title)
    ).all()
    return [(offering, count) for offering, count in rows]
