"""Helpers for the admin area: an admin signed in, and posting real forms with CSRF."""
from __future__ import annotations

import pytest


@pytest.fixture
def admin_client(client, demo, login):
    """A browser signed in as the demo company's admin."""
    login(client, demo["admin"])
    return client


@pytest.fixture
def post_form(get_csrf):
    """``post_form(client, path, data, page=None)``: POST ``data`` with the CSRF token that
    ``page`` (default: ``path``) hands out, as a browser submitting that page would."""

    def post(client, path, data, page=None, **kwargs):
        token = get_csrf(client, page or path)
        return client.post(path, data={"csrf_token": token, **data}, **kwargs)

    return post
