"""WSGI entry point and the app for ``flask --app app``."""
from hub import create_app

app = create_app()
