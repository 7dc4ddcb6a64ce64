"""Registrations for dated offerings: seats, confirmation, waiting list, cancellation."""
