"""WSGI entry point for gunicorn (`gunicorn -c config/gunicorn.conf.py`)."""

from web import create_app

app = create_app()
