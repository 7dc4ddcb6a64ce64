"""Staff accounts and their roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from startsmart import clock
from startsmart.database import LabelledEnum, UTCDateTime, enum_column
from startsmart.extensions import Model


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administration")  # everything, including staff accounts
    ADVISOR = "advisor", _l("Beratung")  # consultations and their follow-up
    EVENT_TEAM = "event_team", _l("Veranstaltungsteam")  # dates, registrations, conferences


class StaffUser(UserMixin, Model):
    """A KTS employee who logs in to the staff area."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # normalised, lower-case
    password_hash: Mapped[str] = mapped_column(sa.String(255))  # Werkzeug scrypt
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An advisor's personal video room: the link of their video consultations without their own.
    room_url: Mapped[str | None] = mapped_column(sa.String(500))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role) -> bool:
        """Admins may do everything; others only what their role allows."""
        return self.role is Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"


class StaffSession(Model):
    """One login of a staff member: the browser's cookie names it by a secret token, and the
    server decides whether it still holds (staff.sessions). Logging out, a password change,
    deactivation and a role change end rows here, so a copied cookie is useless afterwards."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256, hex
    # The login: the longest session (PERMANENT_SESSION_LIFETIME) counts from here, whatever
    # the browser does with its cookie.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} of {self.staff_user_id}>"


class LoginThrottle(Model):
    """Failed logins against one e-mail address from any client address (staff.throttle).

    Keyed by a hash of the address, whether an account has it or not, so the back-off answers
    the same for unknown addresses and does not reveal which ones have an account."""

    __tablename__ = "login_throttle"

    address_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # SHA-256, hex
    failures: Mapped[int] = mapped_column(default=0)  # in a row, since the last success
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
