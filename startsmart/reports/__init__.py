"""The reach report for staff: municipalities reached, participation, paths, topics."""
