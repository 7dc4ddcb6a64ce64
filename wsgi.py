"""Production entry point: ``gunicorn wsgi:app`` (settings from STARTSMART_* variables)."""

from startsmart import create_app

app = create_app()
