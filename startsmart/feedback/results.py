"""What staff see of the answers: per date, per offering, and for the consultations."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.feedback import figures as pure
from startsmart.feedback.models import (
    CONSULTATION,
    EVENT_DATE,
    FeedbackInvitation,
    FeedbackQuestion,
    FeedbackRating,
    FeedbackResponse,
)


@dataclass(frozen=True)
class Results:
    figures: pure.Figures
    questions: dict[int, FeedbackQuestion]  # the questions the figures name, by id


def _results(invitations: sa.ColumnElement[bool], responses: sa.ColumnElement[bool]) -> Results:
    invited = db.session.execute(
        sa.select(sa.func.count(FeedbackInvitation.id)).where(invitations)
    ).scalar_one()
    ratings = db.session.execute(
        sa.select(FeedbackRating.question_id, FeedbackRating.value)
        .join(FeedbackResponse, FeedbackRating.response_id == FeedbackResponse.id)
        .where(responses)
    ).all()
    comments = db.session.execute(
        sa.select(FeedbackResponse.comment)
        .where(responses, FeedbackResponse.comment.is_not(None))
        # Sorted by their text, not by when they came: the order must not tell who wrote one.
        .order_by(FeedbackResponse.comment)
    ).scalars()
    # Every question that has answers here, and those asked now (with no answers yet).
    rated = {question_id for question_id, _value in ratings}
    shown = db.session.execute(
        sa.select(FeedbackQuestion)
        .where(FeedbackQuestion.id.in_(rated) | FeedbackQuestion.active.is_(True))
        .order_by(FeedbackQuestion.active.desc(), FeedbackQuestion.position, FeedbackQuestion.id)
    ).scalars()
    by_id = {q.id: q for q in shown}
    # Counted from the answers themselves (the invitations' flag says the same).
    responded = db.session.execute(
        sa.select(sa.func.count(FeedbackResponse.id)).where(responses)
    ).scalar_one()
    return Results(
        pure.figures(
            int(invited or 0),
            int(responded),
            list(by_id),
            [(qid, value) for qid, value in ratings],
            [c for c in comments if c],
        ),
        by_id,
    )


def for_date(date_id: int) -> Results:
    return _results(
        (FeedbackInvitation.subject_kind == EVENT_DATE)
        & (FeedbackInvitation.subject_id == date_id),
        (FeedbackResponse.subject_kind == EVENT_DATE) & (FeedbackResponse.subject_id == date_id),
    )


def for_offering(offering_id: int) -> Results:
    return _results(
        FeedbackInvitation.offering_id == offering_id,
        FeedbackResponse.offering_id == offering_id,
    )


def for_consultations() -> Results:
    return _results(
        FeedbackInvitation.subject_kind == CONSULTATION,
        FeedbackResponse.subject_kind == CONSULTATION,
    )


@dataclass(frozen=True)
class OverviewLine:
    offering_id: int
    invited: int
    answered: int


def overview() -> list[OverviewLine]:
    """Invited and answered per offering (dates and conferences), for the staff overview."""
    rows = db.session.execute(
        sa.select(
            FeedbackInvitation.offering_id,
            sa.func.count(FeedbackInvitation.id),
            sa.func.count(FeedbackInvitation.id).filter(FeedbackInvitation.answered.is_(True)),
        )
        .where(FeedbackInvitation.offering_id.is_not(None))
        .group_by(FeedbackInvitation.offering_id)
    ).all()
    return [OverviewLine(int(o), int(i), int(a)) for o, i, a in rows if o is not None]


def dates_with_feedback(offering_id: int) -> list[tuple[int, int, int]]:
    """(date id, invited, answered) for the offering's dates that had a survey."""
    rows = db.session.execute(
        sa.select(
            FeedbackInvitation.subject_id,
            sa.func.count(FeedbackInvitation.id),
            sa.func.count(FeedbackInvitation.id).filter(FeedbackInvitation.answered.is_(True)),
        )
        .where(
            FeedbackInvitation.offering_id == offering_id,
            FeedbackInvitation.subject_kind == EVENT_DATE,
        )
        .group_by(FeedbackInvitation.subject_id)
        .order_by(FeedbackInvitation.subject_id.desc())
    ).all()
    return [(int(d), int(i), int(a)) for d, i, a in rows]
