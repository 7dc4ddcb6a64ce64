"""Municipalities (Kommunen) and the people who act for them."""
