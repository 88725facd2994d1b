"""The JSON API ``/api/v1`` (flask-smorest); see API.md for the contract.

Every module of the API builds its routes on ``hub.api.blueprint.Blueprint`` and is listed
in ``api_blueprints``.  Authentication is the bearer token only (``hub.auth.loading``), so
the API is exempt from CSRF; ``hub.auth.access`` answers 401 for a missing or dead token and
``hub.common.errors`` gives every error the shape of API.md.
"""
from __future__ import annotations

from flask import Flask

from hub.extensions import api, csrf

URL_PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"


def api_blueprints() -> list:
    from hub.accountability.api import blp as accountability_blp
    from hub.announcements.api import blp as announcements_blp
    from hub.api.auth import blp as auth_blp
    from hub.api.org import blp as org_blp
    from hub.api.receipts import blp as receipts_blp
    from hub.api.search import blp as search_blp
    from hub.dashboard.api import blp as dashboard_blp
    from hub.feedback.api import blp as feedback_blp
    from hub.mailbox.api import blp as letters_blp
    from hub.meetings.api import blp as talks_blp
    from hub.meetings.api import compliance_blp
    from hub.meetings.summaries_api import blp as summaries_blp
    from hub.notifications.api import blp as notifications_blp
    from hub.suggestions.api import blp as reports_blp
    from hub.surveys.api import blp as surveys_blp
    from hub.workbench.api import blp as workbench_blp

    return [summaries_blp, auth_blp, org_blp, letters_blp, reports_blp, receipts_blp,
            announcements_blp,
            talks_blp, compliance_blp, search_blp, notifications_blp, workbench_blp, feedback_blp,
            dashboard_blp, surveys_blp, accountability_blp]


def register_api(app: Flask) -> None:
    from hub.api.schemas import ErrorSchema
    from hub.common.converters import MAX_ID, IdConverter

    # The OpenAPI document describes errors with the hub's shape, not flask-smorest's.
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app, spec_kwargs={"security": [{SECURITY_SCHEME: []}]})
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {"type": "http", "scheme": "bearer",
         "description": "POST /api/v1/auth/token 换取的令牌：Authorization: Bearer <token>"},
    )
    # Into this app's spec only: Api.register_converter would pile up on the shared
    # extension object with every app the process creates (the tests create many).
    api.flask_plugin.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    for blp in api_blueprints():
        csrf.exempt(blp)  # bearer tokens only; cookies are not accepted by the API
        api.register_blueprint(blp, url_prefix=URL_PREFIX + (blp.url_prefix or ""))
