"""Import every model so that the metadata is complete (Alembic, create_all, tests)."""

from startsmart.audit.models import AuditEvent
from startsmart.catalog.models import EventDate, Offering, Topic, offering_topic
from startsmart.conferences.models import Conference, ConferenceSession, SessionChoice
from startsmart.consultations.models import (
    AdvisorAbsence,
    Consultation,
    ExtraHours,
    WeeklyHours,
)
from startsmart.feedback.models import (
    FeedbackInvitation,
    FeedbackQuestion,
    FeedbackRating,
    FeedbackResponse,
)
from startsmart.inbox.models import ProcessedMail
from startsmart.invitations.models import DeliveryAttempt, OutboxMessage
from startsmart.municipalities.models import Municipality, Person
from startsmart.registrations.models import Consent, Registration
from startsmart.speed_dating.models import (
    SpeedDatingParticipant,
    SpeedDatingPlan,
    SpeedDatingSession,
)
from startsmart.staff.models import LoginThrottle, StaffSession, StaffUser
from startsmart.staff.second_factor_models import StaffRecoveryCode, StaffSecondFactor
from startsmart.tokens import AccessToken

__all__ = [
    "FeedbackInvitation",
    "FeedbackQuestion",
    "FeedbackRating",
    "FeedbackResponse",
    "ProcessedMail",
    "AuditEvent",
    "AdvisorAbsence",
    "Consultation",
    "ExtraHours",
    "WeeklyHours",
    "AccessToken",
    "LoginThrottle",
    "StaffSession",
    "Consent",
    "Registration",
    "SpeedDatingParticipant",
    "SpeedDatingPlan",
    "SpeedDatingSession",
    "Conference",
    "ConferenceSession",
    "SessionChoice",
    "EventDate",
    "Municipality",
    "Offering",
    "DeliveryAttempt",
    "OutboxMessage",
    "Person",
    "StaffUser",
    "StaffRecoveryCode",
    "StaffSecondFactor",
    "Topic",
    "offering_topic",
]
