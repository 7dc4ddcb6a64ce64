"""Import every model so that the metadata is complete (Alembic, create_all, tests)."""

from startsmart.catalog.models import EventDate, Offering, Topic, offering_topic
from startsmart.conferences.models import Conference
from startsmart.invitations.models import OutboxMessage
from startsmart.municipalities.models import Municipality, Person
from startsmart.registrations.models import Consent, Registration
from startsmart.staff.models import StaffUser
from startsmart.tokens import AccessToken

__all__ = [
    "AccessToken",
    "Consent",
    "Registration",
    "Conference",
    "EventDate",
    "Municipality",
    "Offering",
    "OutboxMessage",
    "Person",
    "StaffUser",
    "Topic",
    "offering_topic",
]
