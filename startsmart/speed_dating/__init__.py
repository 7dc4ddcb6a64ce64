"""A regional conference's speed-dating: settings, check-in, plan, run, live screens, contacts.

The pure rotation planner is the sub-package ``planner``; the layout is in docs/architecture.md.
"""
