"""The speed-dating rotation planner (pure: standard library only, no import cycle).

``plan`` lays out the rounds, ``pairs`` and ``groups`` build one round of pairs or of tables
of 3 or 4, ``state`` remembers who met and who waited, ``quality`` judges any plan, and
``shapes`` holds the plan's data classes that all of them share.
"""

from startsmart.speed_dating.planner.plan import plan_rounds, replan, rounds_that_fit
from startsmart.speed_dating.planner.quality import QualityReport, cross_group_bound, quality
from startsmart.speed_dating.planner.shapes import Participant, ParticipantId, Plan, Round, Table
from startsmart.speed_dating.planner.state import HOST_ID

__all__ = [
    "HOST_ID",
    "Participant",
    "ParticipantId",
    "Plan",
    "QualityReport",
    "Round",
    "Table",
    "cross_group_bound",
    "plan_rounds",
    "quality",
    "replan",
    "rounds_that_fit",
]
