"""WSGI entry point: `gunicorn wsgi:app` (and FLASK_APP for the `flask` commands).

A server started without PORTAL_ENV gets the production configuration, which refuses to
start without its secrets, rather than development's throwaway ones. `make run` and
`make test` set PORTAL_ENV themselves.
"""
import os

from app import create_app

app = create_app(os.environ.get("PORTAL_ENV", "production"))
