"""The error shape everywhere under ``/api/``, and no 500 for any input."""
from __future__ import annotations

import pytest

from tests.api.conftest import API, assert_error

TOKEN = f"{API}/auth/token"


def test_unknown_url_is_json_404(client, demo, bearer):
    headers = bearer(demo["sales1"])
    assert_error(client.get(f"{API}/nothing-here", headers=headers), 404, "not_found")
    assert_error(client.get(f"{API}/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/v2/me", headers=headers), 404, "not_found")


def test_wrong_method_is_json_405(client, demo, bearer):
    response = client.put(f"{API}/me", headers=bearer(demo["sales1"]))
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(client.get(TOKEN), 405, "method_not_allowed")


def test_validation_errors_name_the_fields(client):
    response = client.post(TOKEN, json={"username": 42, "password": ["x"], "extra": 1})
    error = assert_error(response, 400, "validation_error")
    assert set(error["fields"]) == {"username", "password", "extra"}


@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ('{"username": "sales1", "password": ', "application/json"),
    ("\udcff".encode("utf-8", "surrogatepass"), "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, "application/json"),
])
def test_malformed_json_is_400(client, body, content_type):
    response = client.post(TOKEN, data=body, content_type=content_type)
    assert_error(response, 400, "validation_error")


@pytest.mark.parametrize("body, content_type", [
    ("", "application/json"),
    ("null", "application/json"),
    ("[]", "application/json"),
    ('"sales1"', "application/json"),
    ("12", "application/json"),
    ('{"username": "sales1", "password": "hub-demo"}', "text/plain"),
    ("username=sales1&password=hub-demo", "application/x-www-form-urlencoded"),
    ("", None),
])
def test_body_that_is_not_the_expected_object_is_400(client, demo, body, content_type):
    response = client.post(TOKEN, data=body, content_type=content_type)
    assert_error(response, 400, "validation_error")


@pytest.mark.parametrize("body", [
    {"username": "sales1\x00", "password": "hub-demo"},
    {"username": "sales1", "password": "hub-demo", "name": "a\x00b"},
    {"username": "x" * 65, "password": "hub-demo"},
    {"username": "sales1", "password": "p" * 257},
    {"username": "", "password": ""},
    {"username": None, "password": None},
    {"username": {"$ne": 1}, "password": True},
    {"username": "sales1", "password": "hub-demo", "name": "n" * 101},
])
def test_nasty_field_values_are_400(client, demo, body):
    assert_error(client.post(TOKEN, json=body), 400, "validation_error")


def test_unicode_username_is_just_a_wrong_login(client, demo):
    response = client.post(TOKEN, json={"username": "销售一号😀", "password": "口令"})
    assert_error(response, 401, "unauthorized")


def test_token_ids_are_bounded(client, demo, bearer):
    headers = bearer(demo["sales1"])
    for token_id in ("0", "2147483648", "9" * 30, "abc", "-1", "1.0", "%00"):
        response = client.delete(f"{API}/auth/tokens/{token_id}", headers=headers)
        assert_error(response, 404, "not_found")


def test_huge_query_values_do_not_break_anything(client, demo, bearer):
    headers = bearer(demo["sales1"])
    response = client.get(f"{API}/users", headers=headers,
                          query_string={"q": "%_\\'\"", "page": "1", "per_page": "100"})
    assert response.status_code == 200
    assert response.get_json()["total"] == 0
    response = client.get(f"{API}/users?page=1&page=abc&per_page=%FF", headers=headers)
    assert response.status_code in (200, 400)


def test_api_errors_are_never_html_pages(client, demo, bearer):
    headers = bearer(demo["sales1"])
    for response in (client.get(f"{API}/users/0", headers=headers),
                     client.post(f"{API}/me", headers=headers),
                     client.get(f"{API}/users?per_page=1000", headers=headers),
                     client.get(f"{API}/me")):
        assert response.mimetype == "application/json"
        assert "<html" not in response.get_data(as_text=True).lower()
