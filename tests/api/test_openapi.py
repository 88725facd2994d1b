"""The OpenAPI document at ``/api/v1/openapi.json`` describes every route of the API."""
from __future__ import annotations

import re

from tests.api.conftest import API

IGNORED_METHODS = {"HEAD", "OPTIONS"}
DOCUMENT = f"{API}/openapi.json"


def openapi_path(rule: str) -> str:
    """``/api/v1/users/<id:user_id>`` → ``/api/v1/users/{user_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_document_is_public_json(client):
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == "v1"


def test_every_api_route_is_documented_with_its_methods(app, client):
    doc = client.get(DOCUMENT).get_json()
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/") and rule.rule != DOCUMENT:
            routes.setdefault(openapi_path(rule.rule), set()).update(
                m for m in rule.methods if m not in IGNORED_METHODS)
    documented = {
        path: {method.upper() for method in operations if method != "parameters"}
        for path, operations in doc["paths"].items()
    }
    assert routes, "no API routes found"
    assert documented == routes
    for required in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/departments",
                     "/api/v1/users", "/api/v1/users/{user_id}"):
        assert required in documented


def test_bearer_security_scheme_is_declared_and_required(client):
    doc = client.get(DOCUMENT).get_json()
    schemes = doc["components"]["securitySchemes"]
    (name, scheme), = schemes.items()
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert doc["security"] == [{name: []}]
    # Getting a token needs no token.
    assert doc["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_ids_in_paths_are_bounded_integers(client):
    doc = client.get(DOCUMENT).get_json()
    parameters = doc["paths"]["/api/v1/users/{user_id}"]["parameters"]
    (user_id,) = [p for p in parameters if p["name"] == "user_id"]
    assert user_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def test_errors_are_documented_with_the_hub_error_shape(client):
    doc = client.get(DOCUMENT).get_json()
    error = doc["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error"}
    detail_ref = error["properties"]["error"]["$ref"].rsplit("/", 1)[-1]
    assert set(doc["components"]["schemas"][detail_ref]["properties"]) == {
        "code", "message", "fields"}
