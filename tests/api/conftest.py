"""Helpers for talking to ``/api/v1`` as an integration would."""
from __future__ import annotations

import pytest

API = "/api/v1"


def assert_error(response, status: int, code: str) -> dict:
    """The response is API.md's error shape with this status and code; returns the error."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    return error


@pytest.fixture
def get_token(client):
    """``get_token(username, password)``: a token obtained through ``POST /auth/token``."""

    def get(username: str, password: str = "hub-demo", **extra) -> str:
        response = client.post(f"{API}/auth/token",
                               json={"username": username, "password": password, **extra})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["token"]

    return get
