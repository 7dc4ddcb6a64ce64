"""The survey's questions on the 1–5 scale: the shipped defaults, and the team's changes.

Questions are never deleted, only switched off: answers refer to them. Changing the text of a
question that has answers makes a new question in its place and switches the old one off, so
every answer keeps the wording it was given to and the results do not mix two questions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from startsmart.audit import service as audit
from startsmart.errors import DomainError
from startsmart.extensions import db
from startsmart.feedback.models import FeedbackQuestion, FeedbackRating
from startsmart.staff.models import StaffUser

MAX_TEXT = 300
MAX_QUESTIONS = 10  # a short survey: more active questions than this are refused

# key, German, English: set up once (``ensure_defaults``), then the team's to change.
DEFAULTS = (
    (
        "helpful",
        "Wie hilfreich war der Termin für Ihre Arbeit?",
        "How helpful was the session for your work?",
    ),
    (
        "organisation",
        "Wie gut war die Organisation?",
        "How well was it organised?",
    ),
    (
        "recommend",
        "Wie wahrscheinlich ist es, dass Sie Start Smart weiterempfehlen?",
        "How likely are you to recommend Start Smart?",
    ),
)


@dataclass(frozen=True)
class QuestionInput:
    text_de: str
    text_en: str
    position: int
    active: bool


@functools.cache
def _insert_default(dialect_name: str) -> sa.Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert: sa.Insert = dialect.insert(FeedbackQuestion.__table__).on_conflict_do_nothing()
    return insert


def ensure_defaults(now: datetime) -> None:
    """Add the shipped questions that were never added (caller's transaction). Safe in
    parallel: the key is unique and a second insert does nothing."""
    known = set(
        db.session.execute(
            sa.select(FeedbackQuestion.key).where(FeedbackQuestion.key.is_not(None))
        ).scalars()
    )
    missing = [
        {
            "key": key,
            "text_de": german,
            "text_en": english,
            "position": position,
            "active": True,
            "created_at": now,
            "replaces_id": None,
        }
        for position, (key, german, english) in enumerate(DEFAULTS, start=1)
        if key not in known
    ]
    if missing:
        db.session.execute(_insert_default(db.engine.dialect.name), missing)


def active() -> list[FeedbackQuestion]:
    """The questions the survey asks now, in their order."""
    return list(
        db.session.execute(
            sa.select(FeedbackQuestion)
            .where(FeedbackQuestion.active.is_(True))
            .order_by(FeedbackQuestion.position, FeedbackQuestion.id)
        ).scalars()
    )


def every() -> list[FeedbackQuestion]:
    """All questions: the active ones first in their order, then those switched off."""
    return list(
        db.session.execute(
            sa.select(FeedbackQuestion).order_by(
                FeedbackQuestion.active.desc(), FeedbackQuestion.position, FeedbackQuestion.id
            )
        ).scalars()
    )


def _clean(data: QuestionInput) -> QuestionInput:
    german, english = " ".join(data.text_de.split()), " ".join(data.text_en.split())
    if not german:
        raise DomainError(_("Bitte geben Sie die Frage auf Deutsch ein."), "text_de")
    if not english:
        raise DomainError(_("Bitte geben Sie die Frage auf Englisch ein."), "text_en")
    if len(german) > MAX_TEXT or len(english) > MAX_TEXT:
        raise DomainError(_("Eine Frage hat höchstens %(n)d Zeichen.", n=MAX_TEXT), "text_de")
    return QuestionInput(german, english, data.position, data.active)


def _check_room(exclude: int | None) -> None:
    others = sa.select(sa.func.count()).where(FeedbackQuestion.active.is_(True))
    if exclude is not None:
        others = others.where(FeedbackQuestion.id != exclude)
    if (db.session.execute(others).scalar() or 0) >= MAX_QUESTIONS:
        raise DomainError(
            _(
                "Die Umfrage fragt höchstens %(n)d Fragen; schalten Sie zuerst eine andere ab.",
                n=MAX_QUESTIONS,
            ),
            "active",
        )


def add(data: QuestionInput, actor: StaffUser, now: datetime) -> FeedbackQuestion:
    """A new question at the given place."""
    data = _clean(data)
    if data.active:
        _check_room(None)
    question = FeedbackQuestion(
        text_de=data.text_de,
        text_en=data.text_en,
        position=data.position,
        active=data.active,
        created_at=now,
    )
    db.session.add(question)
    db.session.flush()
    audit.record("feedback.question_added", actor, now, subject=f"feedback_question:{question.id}")
    db.session.commit()
    return question


def _answered(question_id: int) -> bool:
    found = sa.select(sa.exists().where(FeedbackRating.question_id == question_id))
    return bool(db.session.execute(found).scalar())


def update(
    question_id: int, data: QuestionInput, actor: StaffUser, now: datetime
) -> FeedbackQuestion:
    """Change a question's text, place or whether it is asked. A new text for a question with
    answers is a new question in its place (see the module's docstring)."""
    question = db.session.get(FeedbackQuestion, question_id)
    if question is None:
        raise DomainError(_("Diese Frage gibt es nicht."))
    data = _clean(data)
    if data.active and not question.active:
        _check_room(question.id)
    reworded = (data.text_de, data.text_en) != (question.text_de, question.text_en)
    if reworded and _answered(question.id):
        question.active = False
        successor = FeedbackQuestion(
            text_de=data.text_de,
            text_en=data.text_en,
            position=data.position,
            active=data.active,
            created_at=now,
            replaces_id=question.id,
        )
        db.session.add(successor)
        db.session.flush()
        audit.record(
            "feedback.question_changed",
            actor,
            now,
            subject=f"feedback_question:{successor.id}",
            replaces=question.id,
        )
        db.session.commit()
        return successor
    question.text_de, question.text_en = data.text_de, data.text_en
    question.position, question.active = data.position, data.active
    audit.record(
        "feedback.question_changed", actor, now, subject=f"feedback_question:{question.id}"
    )
    db.session.commit()
    return question
