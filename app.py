"""WSGI and CLI entry point: `flask --app app ...` and `gunicorn app:app`."""

from blog import create_app

app = create_app()
