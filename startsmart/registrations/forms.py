"""The public registration form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from startsmart.form_fields import Form, MaxLength, NoLinks
from startsmart.forms import REQUIRED, EnumSelectField, UsableEmail
from startsmart.municipalities.forms import municipality_id_field, population_class_field
from startsmart.municipalities.models import FederalState, MunicipalityKind


class RegistrationForm(Form):
    name = StringField(
        _l("Ihr Name"),
        validators=[DataRequired(REQUIRED), MaxLength(200), NoLinks()],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-Mail-Adresse"),
        description=_l("An diese Adresse schicken wir die Bestätigung und die Einladung."),
        validators=[DataRequired(REQUIRED), MaxLength(254), UsableEmail()],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    function = StringField(
        _l("Ihre Funktion"),
        description=_l("Zum Beispiel: Digitalisierungsbeauftragte, Amt für Stadtentwicklung"),
        validators=[Optional(), MaxLength(200), NoLinks()],
        render_kw={"autocomplete": "organization-title"},
    )
    municipality = StringField(
        _l("Ihre Kommune"),
        description=_l(
            "Beginnen Sie zu tippen, um eine bekannte Kommune zu wählen, oder geben "
            "Sie den Namen Ihrer Kommune ein."
        ),
        validators=[DataRequired(REQUIRED), MaxLength(200), NoLinks()],
        render_kw={"autocomplete": "organization"},
    )
    municipality_id = municipality_id_field()
    # Asked by the service, and only of a name the directory does not know.
    state = EnumSelectField(
        _l("Bundesland"),
        enum=FederalState,
        empty_label=_l("Bitte wählen"),
        validators=[Optional()],
    )
    municipality_kind = EnumSelectField(
        _l("Art der Kommune"),
        description=_l("Nur nötig, wenn wir Ihre Kommune noch nicht kennen."),
        enum=MunicipalityKind,
        empty_label=_l("– bitte wählen, falls neu –"),
        validators=[Optional()],
    )
    population_class = population_class_field()
    question = TextAreaField(
        _l("Ihre Frage für den Austausch"),
        description=_l(
            "Welche konkrete Umsetzungsfrage möchten Sie mit den Modellprojekten "
            "besprechen? Die Moderation bereitet den Austausch damit vor."
        ),
        validators=[Optional(), MaxLength(2000)],
        render_kw={"rows": 5},
    )
    speed_dating = BooleanField(
        _l("Ich möchte am Speed-Dating teilnehmen."),
        description=_l(
            "Drei Fragen in drei Minuten, dann wechselt das Gegenüber: Sie lernen in etwa "
            "45 Minuten Menschen aus Modellprojekten und anderen Kommunen kennen."
        ),
    )
    contact_exchange = BooleanField(
        _l(
            "Nach der Konferenz dürfen meine Kontaktdaten (Name, Kommune, Funktion, "
            "E-Mail-Adresse) an die Personen gehen, mit denen ich beim Speed-Dating gesprochen "
            "habe und die ebenfalls zugestimmt haben (freiwillig, jederzeit widerrufbar)."
        )
    )
    news = BooleanField(
        _l(
            "Ich möchte per E-Mail über neue Start-Smart-Termine informiert werden (freiwillig, "
            "jederzeit widerrufbar)."
        )
    )
    privacy = BooleanField(
        _l("Ich habe die Datenschutzhinweise gelesen."),
        validators=[
            DataRequired(
                _l("Bitte bestätigen Sie, dass Sie die Datenschutzhinweise gelesen haben.")
            )
        ],
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots fill in every field they see.
    website = StringField(
        _l("Bitte leer lassen"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
