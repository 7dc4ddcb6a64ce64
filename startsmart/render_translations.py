"""Templates translate through one translations object per render instead of per text.

Flask-Babel's Jinja callables look the translations up for every text (about ten lookups of
request-local state each); the catalogue page translates about 160 texts, and those lookups
were a fifth of its work. A context processor binds ``gettext`` and ``ngettext`` to the
translations of the language being rendered, once per ``render_template``; the template context
takes precedence over the environment's globals, so ``_()``, ``ngettext()`` and ``{% trans %}``
use them. A mail rendered under ``force_locale`` gets its recipient's translations, as the
context processor runs inside that block. Templates rendered without a context (macros imported
without one) keep Flask-Babel's callables: the same texts, only slower.

The two functions below behave as Jinja's "newstyle" gettext (``install_gettext_callables(...,
newstyle=True)``, which Flask-Babel uses): the result is escaped like the page and always
%-formatted, ``num`` is set for plurals; the texts' own names are positional only, so a
placeholder may be called ``string`` or ``context``. tests/test_render_translations.py holds
them to it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def register(app: Flask) -> None:
    @app.context_processor
    def translations_of_this_render() -> dict[str, object]:
        translations = get_translations()
        return {
            "gettext": _newstyle_gettext(translations.ugettext),
            "ngettext": _newstyle_ngettext(translations.ungettext),
        }


def _newstyle_gettext(translate: Any) -> Any:
    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = translate(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


def _newstyle_ngettext(translate: Any) -> Any:
    @pass_context
    def ngettext(
        context: Context, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = translate(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return ngettext
