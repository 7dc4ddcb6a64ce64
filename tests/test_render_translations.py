"""Templates translate through the translations bound once per render
(``startsmart/render_translations.py``) exactly as through Flask-Babel's own callables, and a
mail rendered under ``force_locale`` inside a page request is in its recipient's language."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

SNIPPETS = [
    '{{ _("Anmeldefrist abgelaufen") }}',
    # A placeholder, its value escaped on an HTML page.
    '{{ _("Anmeldung bis %(when)s Uhr", when="<b>1. Mai</b> & später") }}',
    # Plurals, their number as num.
    '{{ ngettext("noch %(num)d Platz", "noch %(num)d Plätze", 1) }}',
    '{{ ngettext("noch %(num)d Platz", "noch %(num)d Plätze", 4) }}',
    '{{ ngettext("%(num)d Person wartet", "%(num)d Personen warten", 12) }}',
    # A text without translation; a literal percent sign.
    '{{ _("Nicht übersetzt: 100 %% sicher") }}',
    # {% trans %} blocks resolve the same names.
    "{% trans count=3 %}{{ count }} Termin{% pluralize %}{{ count }} Termine{% endtrans %}",
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("snippet", SNIPPETS)
def test_bound_translations_render_as_flask_babel_does(app, snippet, language):
    with app.test_request_context(f"/?lang={language}"):
        bound = render_template_string(snippet)  # with the context processors
        # Straight from the environment: no context processor, Flask-Babel's callables.
        plain = app.jinja_env.from_string(snippet).render()
        context: dict[str, object] = {}
        app.update_template_context(context)
    assert context["gettext"] is not app.jinja_env.globals["gettext"]  # the bound one is used
    assert bound == plain
    assert bound  # a text, not an empty string that would equal another empty one


def test_a_placeholder_may_be_called_string_or_context(app):
    with app.test_request_context("/"):
        named = render_template_string('{{ _("%(string)s und %(context)s", string=1, context=2) }}')
        counted = render_template_string(
            '{{ ngettext("%(num)d von %(plural)s", "%(num)d von %(plural)s", 2, plural="x") }}'
        )
    assert named == "1 und 2"
    assert counted == "2 von x"


def test_a_mail_rendered_inside_a_page_request_speaks_its_recipients_language(app):
    with app.test_request_context("/?lang=de"):
        page = render_template_string('{{ _("Anmeldefrist abgelaufen") }}')
        with force_locale("en"):
            mail = render_template_string('{{ _("Anmeldefrist abgelaufen") }}')
        after = render_template_string('{{ _("Anmeldefrist abgelaufen") }}')
    assert page == after == "Anmeldefrist abgelaufen"
    assert mail != page
    with app.test_request_context("/?lang=en"):
        assert render_template_string('{{ _("Anmeldefrist abgelaufen") }}') == mail
