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
    # Part of the login cookie's identity: raising it ends every session of this account.
    session_version: Mapped[int] = mapped_column(default=1)
    locale: Mapped[str] = mapped_column(sa.String(5), default="de")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: Role) -> bool:
        """Admins may do everything; others only what their role allows."""
        return self.role is Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"
