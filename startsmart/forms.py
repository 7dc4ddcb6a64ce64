"""Helpers shared by the forms of several blueprints."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from startsmart.email_address import InvalidEmail, normalise_email


def enum_choices(
    enum_class: type[Enum], empty_label: Any = None
) -> Callable[[], list[SelectChoice]]:
    """Choices for a ``SelectField`` from a ``LabelledEnum``, built each time a form is made, so
    the labels are in the current language; with ``empty_label`` a first, empty option."""

    def build() -> list[SelectChoice]:
        options = [SelectChoice(member.value, member.label) for member in enum_class]
        if empty_label is None:
            return options
        return [SelectChoice("", str(empty_label)), *options]

    return build


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices, the labels as plain strings (lazy ones resolved
    now). WTForms 3.4 takes no more tuples."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


class UsableEmail:
    """The address is one the services accept. The services check it again; checking it with
    the other fields too means the form lists every problem at once, not this one last."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return  # an empty field is InputRequired's or DataRequired's to report
        try:
            normalise_email(field.data)
        except InvalidEmail as error:
            raise ValidationError(str(error)) from error
