"""Pure: the figures of a survey's answers (standard library only, see tests/test_pure_cores).

Small groups stay anonymous: below ``MIN_ANSWERS`` responses the results say only how many
were asked and answered, without ratings or free texts, because staff know who attended and
one or two answers would be theirs to recognise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MIN_ANSWERS = 3
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class QuestionFigures:
    question_id: int
    answers: int
    mean: float | None  # None without answers
    distribution: tuple[int, ...]  # how many chose 1, 2, 3, 4, 5


@dataclass(frozen=True)
class Figures:
    invited: int
    answered: int
    questions: tuple[QuestionFigures, ...]
    comments: tuple[str, ...]

    @property
    def response_rate(self) -> float | None:
        """Answered of invited, 0 to 1; None when nobody was invited."""
        return self.answered / self.invited if self.invited else None

    @property
    def shown(self) -> bool:
        """Enough answers to show ratings and free texts without naming anybody."""
        return self.answered >= MIN_ANSWERS


def question_figures(question_id: int, values: Iterable[int]) -> QuestionFigures:
    counts = dict.fromkeys(SCALE, 0)
    for value in values:
        counts[value] += 1
    answers = sum(counts.values())
    total = sum(value * n for value, n in counts.items())
    return QuestionFigures(
        question_id,
        answers,
        round(total / answers, 2) if answers else None,
        tuple(counts[value] for value in SCALE),
    )


def figures(
    invited: int,
    answered: int,
    question_ids: Iterable[int],
    ratings: Iterable[tuple[int, int]],
    comments: Iterable[str],
) -> Figures:
    """The figures for ``question_ids`` (in that order) from (question id, value) ratings; a
    small group gets no ratings and no free texts (see the module's docstring)."""
    if answered < MIN_ANSWERS:
        return Figures(invited, answered, (), ())
    by_question: dict[int, list[int]] = {}
    for question_id, value in ratings:
        by_question.setdefault(question_id, []).append(value)
    return Figures(
        invited,
        answered,
        tuple(question_figures(qid, by_question.get(qid, [])) for qid in question_ids),
        tuple(comments),
    )
