"""The blueprint class every ``/api/v1`` module uses (``from hub.api.blueprint import
Blueprint``): flask-smorest's, with a request parser that keeps API.md's promises —
validation errors are ``400 validation_error`` with ``fields``, and no request body, however
malformed, gets further than a 400."""
from __future__ import annotations

import flask_smorest
import marshmallow as ma
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

    def _process_location_data(self, location_data, schema, req, location, unknown,
                               validators):
        # The document says "boolean" for a JSON body's flags: marshmallow would also
        # take 0, 1, "yes" or "on" (as the query string must).  Refuse what the
        # document refuses, so both agree.
        if location == "json" and isinstance(location_data, dict):
            wrong = {
                key: [_("须为 true 或 false。")]
                for name, field in schema.fields.items()
                if isinstance(field, ma.fields.Boolean) and not field.dump_only
                and (key := field.data_key or name) in location_data
                and not isinstance(location_data[key], bool)
                and not (location_data[key] is None and field.allow_none)}
            if wrong:
                raise ma.ValidationError(wrong)
        return super()._process_location_data(location_data, schema, req, location,
                                              unknown, validators)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, message=_("请求体不是有效的 JSON。"))

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        abort(error_status_code or self.DEFAULT_VALIDATION_STATUS, exc=error,
              message=_("请求参数不正确。"), messages=error.messages, headers=error_headers)


def refusal(exc):
    """A refusal of a feature's rules (an exception with ``status``, ``message`` and
    ``fields``) in API.md's error shape — 400, or 409 for an illegal transition; nothing of
    the refused step is kept."""
    from hub.common.errors import api_error
    from hub.extensions import db

    db.session.rollback()
    return api_error(exc.status, exc.message, exc.fields)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()

    def answers_refusals(self, *error_classes: type[Exception]) -> None:
        """Answer each of the feature's refusals with ``refusal``."""
        for error_class in error_classes:
            self.register_error_handler(error_class, refusal)
