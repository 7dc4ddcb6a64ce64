"""The survey's questions, who was asked, and the anonymous answers.

Answers (``FeedbackResponse``, ``FeedbackRating``) name no person, no registration and no time
finer than the day: nothing in them leads back to who answered. Who was asked, and whether
they answered, is ``FeedbackInvitation``, keyed by the registration or consultation (which the
privacy purge anonymises as usual); it holds no answer. So the answers stay when people are
anonymised or deleted, and still nobody answers twice.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from startsmart import clock
from startsmart.database import UTCDateTime
from startsmart.extensions import Model

EVENT_DATE = "event_date"  # a date of an offering, conferences included
CONSULTATION = "consultation"
SUBJECT_KINDS = (EVENT_DATE, CONSULTATION)
_KIND_CHECK = "subject_kind IN ('event_date', 'consultation')"


class FeedbackQuestion(Model):
    """One question on the 1–5 scale. Never deleted: answers refer to it. A changed text is a
    new question (``questions.update``), so old answers keep the text they were given to."""

    __tablename__ = "feedback_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The shipped defaults' names, so that setting them up twice adds nothing; None for the team's.
    key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    text_de: Mapped[str] = mapped_column(sa.String(300))
    text_en: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # The question this one replaced when its text was changed (the old one is inactive).
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("feedback_question.id"))

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" and self.text_en else self.text_de


class FeedbackInvitation(Model):
    """The survey mail to one participant of one date or consultation, and whether they
    answered (not what). Unique per registration and per consultation: exactly one mail."""

    __tablename__ = "feedback_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int] = mapped_column()  # the event_date or consultation id
    offering_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("offering.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), unique=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="SET NULL"), unique=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.Index("ix_feedback_invitation_subject", "subject_kind", "subject_id"),
        sa.CheckConstraint(_KIND_CHECK, name="subject_kind"),
    )


class FeedbackResponse(Model):
    """One anonymous answer to the survey of a date or consultation."""

    __tablename__ = "feedback_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int] = mapped_column()
    offering_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("offering.id", ondelete="SET NULL"), index=True
    )
    # The day only: a finer time could be matched with a small group's server logs.
    answered_on: Mapped[date] = mapped_column(sa.Date)
    comment: Mapped[str | None] = mapped_column(sa.Text)  # the free text, if any

    ratings: Mapped[list[FeedbackRating]] = relationship(
        cascade="all, delete-orphan", back_populates="response"
    )

    __table_args__ = (
        sa.Index("ix_feedback_response_subject", "subject_kind", "subject_id"),
        sa.CheckConstraint(_KIND_CHECK, name="subject_kind"),
    )


class FeedbackRating(Model):
    """One question's value (1–5) in a response; a question left out has no row."""

    __tablename__ = "feedback_rating"

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_question.id"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column()

    response: Mapped[FeedbackResponse] = relationship(back_populates="ratings")

    __table_args__ = (sa.CheckConstraint("value BETWEEN 1 AND 5", name="value_1_to_5"),)
