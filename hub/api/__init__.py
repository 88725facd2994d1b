"""The JSON API ``/api/v1`` (flask-smorest); see API.md for the contract."""
from flask import Flask

from hub.extensions import api, csrf


def register_api(app: Flask) -> None:
    from hub.api.auth import blp as auth_blp
    from hub.common.converters import MAX_ID, IdConverter

    api.init_app(app)
    api.register_converter(
        IdConverter,
        lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    )
    for blp in (auth_blp,):
        csrf.exempt(blp)  # bearer tokens only; cookies are not accepted by the API
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
