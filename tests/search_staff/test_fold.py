"""Folding: the typed text and the stored name meet in the same spelling, and both databases
fold a stored name to exactly what Python does."""

from __future__ import annotations

import sqlalchemy as sa

from startsmart.extensions import db
from startsmart.search.fold import fold, fold_stored, like_pattern
from startsmart.search.service import Folded

NAMES = [
    "Jürgen Müller",
    "JÜRGEN MUELLER",
    "Straße",
    "STRASSE",
    "Großmann-Weiß",
    "Renée Dupont",
    "Łukasz Wałęsa",
    "Ayşe Öztürk",
    "Æsa Cœur",
    "Île-de-France",
    "İstanbul",
    "ẞ",
    "100% Kommune_1",
    "",
]


def test_umlauts_and_their_spellings_fold_alike():
    assert fold("Müller") == fold("MUELLER") == fold("mueller") == "mueller"
    assert fold("Groß") == fold("GROSS") == "gross"
    assert fold("Renée") == fold("RENEE") == "renee"
    assert fold("  Jürgen   Müller ") == "juergen mueller"


def test_like_signs_in_the_text_match_only_themselves():
    assert like_pattern("100%_\\") == "%100\\%\\_\\\\%"


def test_the_database_folds_a_stored_name_as_python_does(app):
    with app.app_context():
        for name in NAMES:
            in_sql = db.session.execute(sa.select(Folded(sa.literal(name)))).scalar_one()
            assert in_sql == fold_stored(name), name
