"""The "Meine Buchungen" link's token: what it opens, and ending it.

A token of this purpose opens the list of one person (``subject_id`` is the person's id). It
must end when that id stops meaning that mailbox: when the person row is deleted (SQLite may
give a later row the same id) or staff correct its address (the link went to the old one).
"""

from __future__ import annotations

from startsmart import tokens

TOKEN_PURPOSE = "my_bookings"


def revoke(person_id: int) -> None:
    tokens.revoke_all(TOKEN_PURPOSE, person_id)
