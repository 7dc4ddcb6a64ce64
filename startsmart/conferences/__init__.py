"""Regional conferences (Regionalkonferenzen), with on-site consultations and speed-dating."""
