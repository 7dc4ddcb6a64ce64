"""Feedback after a date, consultation or conference: one survey mail to each participant who
attended, answered once by its link and stored without the person (anonymous)."""
