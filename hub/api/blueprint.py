"""The blueprint class every ``/api/v1`` module uses (``from hub.api.blueprint import
Blueprint``): flask-smorest's, with a request parser that keeps API.md's promises —
validation errors are ``400 validation_error`` with ``fields``, and no request body, however
malformed, gets further than a 400."""
from __future__ import annotations

import flask_smorest
from flask_babel import gettext as _
from flask_smorest import abort
from webargs.flaskparser import FlaskParser


class ApiParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req, schema):
        # The json module gives up on deeply nested documents with a RecursionError,
        # which webargs does not expect.
        try:
            return super().load_json(req, schema)
        except RecursionError as exc:
            return self._handle_invalid_json_error(exc, req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, message=_("请求体不是有效的 JSON。"))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        abort(error_status_code or self.DEFAULT_VALIDATION_STATUS, exc=error,
              message=_("请求参数不正确。"), messages=error.messages, headers=error_headers)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()
