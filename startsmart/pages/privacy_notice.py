"""The facts the Datenschutzerklärung states, read from the settings and data the app itself acts
on, so the page cannot promise anything the privacy purge (``privacy.service.purge``) does not
do: the same retention days, the same consents, the same recipients."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from startsmart.catalog.models import Offering
from startsmart.extensions import db
from startsmart.registrations.models import ConsentKind

# The consents the public forms ask for (registrations.service.register: news for every date,
# the contact exchange for a conference). ConsentKind.PHOTOS exists but no form asks for it,
# so the notice does not offer it.
ASKED_FOR = (ConsentKind.NEWS, ConsentKind.CONTACT_EXCHANGE)


@dataclass(frozen=True)
class Deviation:
    """An offering whose participants' data is kept for a different number of days."""

    title: str
    days: int


@dataclass(frozen=True)
class PrivacyFacts:
    retention_days: int  # registrations (by default), consultations, speed dating, audit details
    deviations: list[Deviation]  # offerings with their own retention_days
    mail_days: int  # mail texts and addresses of sent mail (OUTBOX_KEEP_DAYS)
    registration_hold_hours: float
    consultation_hold_hours: float
    my_bookings_link_hours: int
    consents: list[str]  # what one may consent to (and withdraw), as the forms name it
    mail_provider: str | None
    video_provider: str | None
    authority_name: str
    authority_address: str
    authority_url: str


def facts(config: Mapping[str, Any]) -> PrivacyFacts:
    """What the privacy notice says, under this configuration and with these offerings."""
    default = int(config["PERSONAL_DATA_RETENTION_DAYS"])
    return PrivacyFacts(
        retention_days=default,
        deviations=_deviations(default),
        mail_days=int(config["OUTBOX_KEEP_DAYS"]),
        registration_hold_hours=config["REGISTRATION_HOLD_HOURS"],
        consultation_hold_hours=config["CONSULTATION_HOLD_HOURS"],
        my_bookings_link_hours=int(config["MY_BOOKINGS_LINK_HOURS"]),
        consents=[str(kind.label) for kind in ASKED_FOR],
        mail_provider=config.get("MAIL_PROVIDER") or None,
        video_provider=config.get("VIDEO_PROVIDER") or None,
        authority_name=config["SUPERVISORY_AUTHORITY_NAME"],
        authority_address=config["SUPERVISORY_AUTHORITY_ADDRESS"],
        authority_url=config["SUPERVISORY_AUTHORITY_URL"],
    )


def _deviations(default: int) -> list[Deviation]:
    # Retired offerings count too: the purge keeps their past participants' data just as long.
    rows = db.session.execute(
        sa.select(Offering.title, Offering.retention_days)
        .where(Offering.retention_days.is_not(None), Offering.retention_days != default)
        .order_by(Offering.title)
    ).all()
    return [Deviation(title, days) for title, days in rows if days is not None]
