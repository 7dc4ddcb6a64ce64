"""Helpers shared by the forms of several blueprints."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, TypeVar

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # stubs: WTForms 3.2
from wtforms.validators import InputRequired, StopValidation, ValidationError

from startsmart.database import LabelledEnum
from startsmart.email_address import InvalidEmail, normalise_email
from startsmart.input_guard import database_int

T = TypeVar("T")

# An empty field that must be filled; every form says it in the same words.
REQUIRED = _l("Bitte füllen Sie dieses Feld aus.")
# A drop-down left on its empty option: "fill in" would not fit a list to choose from.
CHOOSE_ONE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")
# Beside every English text of a form that has its German one required.
ENGLISH_HINT = _l("Optional. Leer gelassen zeigt die englische Seite den deutschen Text.")


def filled(data: T | None) -> T:
    """The data of a field that has passed ``DataRequired`` or ``InputRequired``: never None,
    though WTForms types every field's data as optional."""
    assert data is not None, "filled() reads a field without a required validator"
    return data


class Filled(InputRequired):
    """``InputRequired`` for a day or time field (``DayField``, ``ClockField``): it also refuses
    blanks only, which those fields read as no value (None); they passed ``InputRequired`` and
    reached the service as None. The message is the one for both cases."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.blank_message = message

    def __call__(self, form, field) -> None:
        super().__call__(form, field)
        if field.data is None and not field.process_errors:
            field.errors[:] = []
            raise StopValidation(self.blank_message)


def enum_choices(
    enum_class: type[LabelledEnum], empty_label: Any = None
) -> Callable[[], list[SelectChoice]]:
    """Choices for a ``SelectField`` from a ``LabelledEnum``, in the current language; with
    ``empty_label`` a first, empty option.

    Built once per language and process: translating every label of every list anew for
    each form (the registration form has three such lists) cost a tenth of a registration's
    CPU time (see docs/performance.md). Catalogues change only with a deploy."""
    built: dict[str, tuple[SelectChoice, ...]] = {}

    def build() -> list[SelectChoice]:
        locale = str(get_locale())
        options = built.get(locale)
        if options is None:
            options = tuple(SelectChoice(member.value, member.label) for member in enum_class)
            if empty_label is not None:
                options = (SelectChoice("", str(empty_label)), *options)
            built[locale] = options
        return list(options)

    return build


@functools.cache
def _values(enum_class: type[Enum], with_empty: bool) -> frozenset[str]:
    return frozenset({member.value for member in enum_class} | ({""} if with_empty else set()))


class EnumSelectField(SelectField):
    """A choice among the members of an enum (the option's value is the member's value), its
    labels in the current language; with ``empty_label`` a first, empty option.

    A sent value is checked against the enum's values directly. WTForms' own check builds
    the whole option list for every submitted form and walks it (on the registration form,
    with three such lists, a tenth of the form's CPU time; see docs/performance.md); the list
    is built only when a page shows it."""

    def __init__(
        self, label=None, validators=None, *, enum: type[LabelledEnum], empty_label=None, **kw
    ):
        super().__init__(label, validators, choices=enum_choices(enum, empty_label), **kw)
        self._allowed = _values(enum, empty_label is not None)

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in self._allowed:
            # invalid_choice_message is new in WTForms 3.3; types-WTForms still describes 3.2.
            message = self.invalid_choice_message  # type: ignore[attr-defined]
            raise ValidationError(message or _("Bitte wählen Sie einen Eintrag aus der Liste."))


def int_or_none(value: Any) -> int | None:
    """A select's value as a number (``coerce``): empty is None, anything else that is no
    database integer becomes -1, for the service to refuse (an id that exists nowhere)."""
    if value is None or value == "":
        return None
    try:
        return database_int(value)
    except ValueError:
        return -1


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices, the labels as plain strings (lazy ones resolved
    now; markup such as a label marked as German stays markup). WTForms 3.4 takes no more
    tuples."""
    return [
        SelectChoice(value, label if isinstance(label, Markup) else str(label))
        for value, label in pairs
    ]


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
