"""Meine Buchungen: a person asks for a link by e-mail and sees everything they booked."""
