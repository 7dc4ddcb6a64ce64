"""The audit log: who among the staff did what, and when."""
