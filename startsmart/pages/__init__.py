"""The start page and the legal pages (Impressum, Datenschutz, Barrierefreiheit)."""
