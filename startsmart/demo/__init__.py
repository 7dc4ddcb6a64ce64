"""Demo data: realistic offerings, dates, staff and municipalities for a first look."""
