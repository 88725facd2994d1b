"""Notifications every feature sends: in-app (the bell) and e-mail through an outbox.

An e-mail is a row in ``mail_outbox`` written in the same transaction as the change that
caused it; a worker sends it only after that transaction committed, retrying with back-off,
so a request never waits for, or fails because of, the mail server.
"""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from hub.notifications import views  # noqa: E402,F401
