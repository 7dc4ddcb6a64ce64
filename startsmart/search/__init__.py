"""The staff search across people, municipalities, registrations and consultations."""
