"""KTS staff: accounts, roles, login and the staff area's entry points."""
