"""API tokens: sign in for a token, list and revoke one's own tokens.

The plain token is in the reply to ``POST /auth/token`` and nowhere else: the hub keeps
only its digest and a short prefix by which people recognise it.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    PageArgs,
    PersonSchema,
    Schema,
    Text,
    Timestamp,
    page_from_list,
    page_of,
)
from hub.auth.services import (
    authenticate,
    create_api_token,
    get_token_or_none,
    revoke_token,
    tokens_of,
)
from hub.auth.throttling import limit_attempts_per_address, limit_failures_per_account
from hub.extensions import db

blp = Blueprint("api_auth", __name__, url_prefix="/auth", description="访问令牌")


class TokenRequestSchema(Schema):
    username = Text(required=True, validate=validate.Length(1, 64))
    password = Text(required=True, validate=validate.Length(1, 256))
    name = Text(load_default="", validate=validate.Length(max=100),
                metadata={"description": "令牌名称，便于日后辨认（如“钉钉机器人”）"})


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "令牌开头几位，用来辨认令牌"})
    created_at = Timestamp()
    last_used_at = Timestamp(allow_none=True)
    revoked_at = Timestamp(allow_none=True)


class NewTokenSchema(Schema):
    token = fields.String(metadata={"description": "令牌本身：只在这一次回复中出现"})
    user = fields.Nested(PersonSchema)
    details = fields.Nested(TokenSchema)


@blp.route("/token", methods=["POST"])
@limit_failures_per_account
@limit_attempts_per_address
@blp.doc(security=[])
@blp.arguments(TokenRequestSchema)
@blp.response(201, NewTokenSchema)
def create_token(args):
    """Exchange a username and password for a bearer token.

    Wrong credentials and inactive accounts get the same 401; after
    ``LOGIN_FAILURES_PER_ACCOUNT`` failures an account is throttled (429), shared with the
    login page.
    """
    user = authenticate(args["username"], args["password"])
    if user is None:
        abort(401, message=_("用户名或密码错误。"))
    token, secret = create_api_token(user, args["name"])
    db.session.commit()
    return {"token": secret, "user": user, "details": token}


@blp.route("/tokens")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(TokenSchema))
def list_tokens(args):
    """The caller's tokens, newest first, revoked ones included."""
    return page_from_list(tokens_of(current_user), args["page"], args["per_page"])


@blp.route("/tokens/<id:token_id>", methods=["DELETE"])
@blp.response(204)
def delete_token(token_id: int):
    """Revoke one of the caller's tokens (revoking it twice is harmless)."""
    token = get_token_or_none(current_user, token_id)
    if token is None:
        abort(404)
    revoke_token(token)
    db.session.commit()
