"""Calendar UIDs: chosen once per event, stored with it, and never built from a database id.

A UID built from an id (``registration-17@host``) repeats when a database is rebuilt, and a
staging instance sharing the production host name would write over entries already in
people's calendars. A new event therefore gets a random UID with this instance's host name,
stored in its row (``ical_uid``), so it also survives a later change of ``PUBLIC_URL``. Rows
from before migration 0016 keep the UID their invitations went out with: the migration wrote
``legacy_uid`` into them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import MappedColumn, mapped_column

from startsmart.links import DEVELOPMENT_URL, instance_domain

# The kinds of event that carry a UID, as the first word of it (a reader of a calendar file
# sees what the entry is).
EVENT_DATE = "event-date"
REGISTRATION = "registration"
CONSULTATION = "consultation"
SESSION = "session"  # a conference session in one participant's calendar
# Room for the longest kind, 32 hex digits and a host name of up to 253 characters.
MAX_LENGTH = 320


def new_uid(kind: str) -> str:
    """A fresh UID for an event of ``kind``: 128 random bits and this instance's domain."""
    return f"{kind}-{secrets.token_hex(16)}@{instance_domain()}"


def legacy_uid(kind: str, row_id: int, domain: str) -> str:
    """The UID an event of ``kind`` had before UIDs were stored: its id and the host name of
    ``PUBLIC_URL`` at the time (the rule migration 0016 keeps in the rows it fills)."""
    return f"{kind}-{row_id}@{domain}"


def legacy_domain() -> str:
    """The host name UIDs carried before they were stored: ``PUBLIC_URL``'s as written (no
    punycode), the development default's when unset."""
    configured = current_app.config.get("PUBLIC_URL") or DEVELOPMENT_URL
    return urlsplit(configured).hostname or "startsmart"


def column(new: Callable[[], str]) -> MappedColumn[Any]:
    """The ``ical_uid`` column of a model whose rows get their UID from ``new``. Unique; never
    NULL, but declared nullable: NOT NULL added later makes SQLite rebuild the table, and
    event_date cannot be dropped while registrations refer to it (migration 0016)."""
    return mapped_column(sa.String(MAX_LENGTH), nullable=True, unique=True, index=True, default=new)


def new_event_date_uid() -> str:
    return new_uid(EVENT_DATE)


def new_registration_uid() -> str:
    return new_uid(REGISTRATION)


def new_consultation_uid() -> str:
    return new_uid(CONSULTATION)


def new_session_invitation_uid() -> str:
    return new_uid(SESSION)
