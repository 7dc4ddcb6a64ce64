"""The speed-dating staff pages' tests' fixtures: the conference of
``speed_dating_support`` and a client logged in as its event team member."""

from speed_dating_support import base, event, team_client  # noqa: F401  (fixtures)
