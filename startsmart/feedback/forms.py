"""The survey form (its questions come from the database) and the staff form for a question."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: WTForms 3.2
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from startsmart.feedback.models import FeedbackQuestion
from startsmart.feedback.questions import MAX_TEXT
from startsmart.feedback.survey import MAX_COMMENT
from startsmart.form_fields import Form, MaxLength, WholeNumberField
from startsmart.forms import REQUIRED


def _scale() -> list[SelectChoice]:
    """1 to 5, the ends labelled (in the current language, so built per form)."""
    return [
        SelectChoice("1", str(_l("1 – gar nicht"))),
        SelectChoice("2", "2"),
        SelectChoice("3", "3"),
        SelectChoice("4", "4"),
        SelectChoice("5", str(_l("5 – sehr"))),
    ]


class SurveyForm(Form):
    comment = TextAreaField(
        _l("Was möchten Sie uns noch sagen?"),
        description=_l("Lob, Kritik, Wünsche für künftige Termine – bitte ohne Namen."),
        validators=[Optional(), MaxLength(MAX_COMMENT)],
    )


def question_field(question_id: int) -> str:
    return f"q{question_id}"


def survey_form(questions: Sequence[FeedbackQuestion], locale: str) -> SurveyForm:
    """A form with one 1–5 choice per question (each may be left out) and the free text."""

    class Survey(SurveyForm):
        pass

    for question in questions:
        setattr(
            Survey,
            question_field(question.id),
            # Values are checked by the service (1 to 5), with a message a person understands.
            RadioField(question.text(locale), choices=_scale(), validate_choice=False),
        )
    return Survey()


def ratings(form: SurveyForm, questions: Sequence[FeedbackQuestion]) -> dict[int, int | None]:
    """The chosen value per question; None where left out. Anything but 1–5 is an error on
    its field (the form is sent back)."""
    chosen: dict[int, int | None] = {}
    for question in questions:
        field = form[question_field(question.id)]
        value = field.data
        if value in (None, "", "None"):
            chosen[question.id] = None
        elif isinstance(value, str) and value in {"1", "2", "3", "4", "5"}:
            chosen[question.id] = int(value)
        else:
            field.errors = [*field.errors, str(_l("Bitte wählen Sie einen Wert von 1 bis 5."))]
    return chosen


class QuestionForm(Form):
    text_de = StringField(
        _l("Frage auf Deutsch"),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_TEXT)],
    )
    text_en = StringField(
        _l("Frage auf Englisch"),
        validators=[DataRequired(REQUIRED), MaxLength(MAX_TEXT)],
    )
    position = WholeNumberField(
        _l("Reihenfolge"),
        description=_l("Kleinere Zahlen stehen weiter oben."),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 999, _l("Bitte eine Zahl von 0 bis 999.")),
        ],
        default=1,
    )
    active = BooleanField(_l("In der Umfrage fragen"), default=True)
