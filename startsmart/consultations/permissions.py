"""Who may act on a consultation and on an advisor's hours: the one place these rules live.

Views use the ``may_*`` answers to decide which forms to show; services call the ``check_*``
functions, so a forged request is refused however it arrives.
"""

from __future__ import annotations

from flask_babel import gettext as _

from startsmart.consultations.models import Consultation
from startsmart.errors import DomainError
from startsmart.staff.models import Role, StaffUser


class NotPermitted(DomainError):
    """The acting staff member may not do this (the view may answer 403)."""


def may_act(actor: StaffUser, consultation: Consultation) -> bool:
    """Advisors act on their own consultations; the event team and admins on every one."""
    if actor.role is Role.ADVISOR:
        return consultation.advisor_id == actor.id
    return actor.role in (Role.EVENT_TEAM, Role.ADMIN)


def check_may_act(actor: StaffUser, consultation: Consultation) -> None:
    if not may_act(actor, consultation):
        raise NotPermitted(
            _(
                "Diese Beratung kann nur die zuständige Beraterin oder der zuständige Berater "
                "bearbeiten – oder das Veranstaltungsteam und die Administration."
            )
        )


def may_edit_availability(actor: StaffUser, advisor_id: int) -> bool:
    """Advisors keep their own hours; admins keep everybody's. The event team only looks."""
    return actor.role is Role.ADMIN or (actor.role is Role.ADVISOR and actor.id == advisor_id)


def check_may_edit_availability(actor: StaffUser, advisor_id: int) -> None:
    if not may_edit_availability(actor, advisor_id):
        raise NotPermitted(
            _("Beratungszeiten kann nur die Beraterin oder der Berater selbst ändern.")
        )
