"""Initial consultations (Initialberatung): availability, booking, follow-up."""
