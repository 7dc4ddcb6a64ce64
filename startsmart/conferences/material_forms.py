"""Staff forms: a PDF file or a link published after a conference, and a material's title,
place and session."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Optional

from startsmart.conferences.forms import english_title_field, number_field, text_field
from startsmart.conferences.materials import MAX_POSITION, TITLE_MAX, URL_MAX
from startsmart.form_fields import Form, MaxLength
from startsmart.forms import REQUIRED, int_or_none

SESSION_HINT = _l("Leer lassen für Unterlagen zur gesamten Konferenz.")


def session_field():
    return SelectField(
        _l("Programmpunkt"),
        description=SESSION_HINT,
        coerce=int_or_none,
        validate_choice=False,
        validators=[Optional()],
    )


class MaterialFileForm(Form):
    session = session_field()
    title = text_field(
        _l("Titel"),
        TITLE_MAX,
        required=False,
        description=_l(
            "Zum Beispiel: Präsentation Daten in der Kommune. Leer lassen übernimmt den Dateinamen."
        ),
    )
    title_en = english_title_field(TITLE_MAX)
    file = FileField(
        _l("PDF-Datei"),
        render_kw={"accept": "application/pdf,.pdf"},
    )


class MaterialLinkForm(Form):
    session = session_field()
    title = text_field(_l("Titel"), TITLE_MAX, description=_l("Zum Beispiel: Fotos vom Tag"))
    title_en = english_title_field(TITLE_MAX)
    url = StringField(
        _l("Link"),
        description=_l("Eine vollständige Adresse, die mit https:// beginnt."),
        validators=[InputRequired(REQUIRED), MaxLength(URL_MAX)],
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )


class MaterialEditForm(Form):
    session = session_field()
    title = text_field(_l("Titel"), TITLE_MAX)
    title_en = english_title_field(TITLE_MAX)
    position = number_field(
        _l("Reihenfolge"),
        0,
        MAX_POSITION,
        description=_l("Innerhalb eines Programmpunkts steht die kleinere Zahl vorn."),
    )
