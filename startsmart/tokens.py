"""Unguessable links in mails (manage a registration or booking), stored only as hashes.

Every mail that needs a link mints a fresh token; all tokens of a subject stay valid until they
expire or the subject's personal data is deleted. The database holds only SHA-256 hashes, so a
copy of it opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from startsmart.database import UTCDateTime
from startsmart.extensions import Model, db

TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG; 43 URL-safe characters


class AccessToken(Model):
    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(32))  # "registration", "consultation", …
    subject_id: Mapped[int] = mapped_column()  # the id of the row the token opens
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (sa.Index("ix_access_token_subject", "purpose", "subject_id"),)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def mint(purpose: str, subject_id: int, now: datetime, expires_at: datetime) -> str:
    """A new token for ``subject_id``; only its hash is added to the current transaction."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        AccessToken(
            token_hash=hash_token(token),
            purpose=purpose,
            subject_id=subject_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


def resolve(purpose: str, token: str, now: datetime) -> int | None:
    """The subject id a valid token opens, or None (unknown, wrong purpose, expired, malformed)."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        sa.select(AccessToken.subject_id).where(
            AccessToken.token_hash == hash_token(token),
            AccessToken.purpose == purpose,
            AccessToken.expires_at > now,
        )
    ).scalar_one_or_none()


def revoke_all(purpose: str, subject_id: int) -> None:
    db.session.execute(
        sa.delete(AccessToken).where(
            AccessToken.purpose == purpose, AccessToken.subject_id == subject_id
        )
    )
