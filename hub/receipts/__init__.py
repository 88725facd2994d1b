"""查询 receipt pages: anonymous filers follow their item with the receipt code (查询码).

Public and anonymous: ``hub.auth.access`` lists these endpoints, so they need no sign-in
and never load the signed-in user; the code travels only in POST bodies, and the pages put
nothing into the session but the CSRF token every form needs.
"""
from flask import Blueprint

bp = Blueprint("receipts", __name__)

from hub.receipts import views  # noqa: E402,F401
