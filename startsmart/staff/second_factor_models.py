"""The second factor of a staff account: its TOTP secret and its one-time recovery codes.

Kept in tables of their own, beside ``staff_user``, so an account without a second factor has
no row here and the login cookie's account row stays what it was.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import UTCDateTime
from startsmart.extensions import Model


class StaffSecondFactor(Model):
    """A staff member's authenticator app (TOTP, RFC 6238: 30-second steps, six digits)."""

    __tablename__ = "staff_second_factor"

    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    # Base32, as the app scans it. Stored in clear: checking a code needs the secret itself.
    secret: Mapped[str] = mapped_column(sa.String(64))
    # None while the set-up waits for the first code from the app; only then does it count.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The newest time step a code was accepted for: a code (or an older one) is never taken twice.
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class StaffRecoveryCode(Model):
    """One of the one-time codes shown once at set-up, for a lost phone."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the normalised code: the codes are 80 random bits, so a slow hash adds nothing.
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
