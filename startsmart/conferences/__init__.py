"""Regional conferences (Regionalkonferenzen): the conference, its registration and registrants."""
