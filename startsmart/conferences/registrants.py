"""Who registered for a conference, with their speed-dating and contact-exchange opt-ins.

The speed-dating wish is a column of the registration; agreeing to share contact details is a
``Consent`` (kind ``CONTACT_EXCHANGE``, source ``registration:<id>``), kept apart so that it can
be revoked on its own. Only a consent not revoked counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from startsmart.extensions import db
from startsmart.registrations import participants
from startsmart.registrations.export import Cell
from startsmart.registrations.models import Consent, ConsentKind, RegistrationStatus

SOURCE_PREFIX = "registration:"


def contact_consents(registration_ids: Iterable[int]) -> set[int]:
    """The registrations (of those given) whose contact-exchange consent stands."""
    sources = {f"{SOURCE_PREFIX}{i}": i for i in registration_ids}
    if not sources:
        return set()
    rows = db.session.execute(
        sa.select(Consent.source).where(
            Consent.kind == ConsentKind.CONTACT_EXCHANGE,
            Consent.revoked_at.is_(None),
            Consent.source.in_(list(sources)),
        )
    ).scalars()
    return {sources[source] for source in rows}


@dataclass(frozen=True)
class Registrant:
    row: participants.Participant
    contact_exchange: bool

    @property
    def registration(self):
        return self.row.registration


def registrants(date_id: int, status: RegistrationStatus | None = None) -> list[Registrant]:
    """The conference date's registrations as ``participants.participants`` orders them."""
    rows = participants.participants(date_id, status)
    agreed = contact_consents(r.registration.id for r in rows)
    return [Registrant(r, r.registration.id in agreed) for r in rows]


def csv_table(rows: list[Registrant]) -> tuple[list[str], list[list[Cell]]]:
    """The registrations export, with the two opt-ins as the last columns."""
    header, table = participants.csv_table([r.row for r in rows])
    header += [_("Speed-Dating"), _("Kontaktdaten teilen")]
    for line, registrant in zip(table, rows, strict=True):
        line += [registrant.registration.speed_dating, registrant.contact_exchange]
    return header, table
