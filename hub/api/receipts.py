"""Following an anonymous letter by its receipt code (查询码), without signing in.

The code travels only in a POST body: a code in a URL would end up in access logs, proxies
and browser history, so a request that puts one in the query string is refused outright.
These endpoints never load a user (``hub.auth.access.ANONYMOUS_ENDPOINTS``) and their paths
are never access-logged (``hub.common.logging``).

Wrong codes are rate-limited per asker without keeping who asked: the limiter counts under
an HMAC of the remote address whose key is random, held only in this process's memory and
replaced every day, so its storage holds nothing that can be turned back into an address.
(With several worker processes each keeps its own key, so each counts on its own.)
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import date

from flask import request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.letters import letter_error
from hub.api.schemas import Schema, Text, Timestamp
from hub.extensions import db, limiter
from hub.mailbox.models import STATUSES, Letter, LetterEvent
from hub.mailbox.services import (
    ACTION_LABELS,
    STATUS_LABELS,
    TEXT_MAX,
    LetterError,
    add_writer_message,
    letter_by_receipt,
    visible_events,
)

blp = Blueprint("api_receipts", __name__, url_prefix="/receipts",
                description="匿名来信凭查询码查询（无需登录）")
blp.register_error_handler(LetterError, letter_error)

#: Wrong codes one asker may try; right codes never count.
WRONG_CODES_LIMIT = "10 per minute"
CODE_MAX = 100  # generous for dashes and spaces; a code is 20 characters


class _DailyKey:
    """A random HMAC key that lives only in memory and is replaced when the day changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._day: date | None = None
        self._key = b""

    def current(self) -> bytes:
        today = date.today()
        with self._lock:
            if self._day != today:
                self._day, self._key = today, secrets.token_bytes(32)
            return self._key


_daily_key = _DailyKey()


def asker_key() -> str:
    """Whom the limiter counts: the remote address, unrecognisable (see the module doc)."""
    address = (get_remote_address() or "").encode()
    return "receipt:" + hmac.new(_daily_key.current(), address, hashlib.sha256).hexdigest()


def _too_many_wrong_codes() -> str:
    return _("查询码错误次数过多，请稍后再试。")


#: Shared by both endpoints: one count of wrong codes per asker.
limit_wrong_codes = limiter.shared_limit(
    WRONG_CODES_LIMIT,
    scope="receipt-wrong-codes",
    key_func=asker_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 404,
    error_message=_too_many_wrong_codes,
)


@blp.before_request
def refuse_code_in_url():
    if "code" in request.args:
        abort(400, message=_("查询码只能放在请求体中，不能出现在网址里。"))


# --- schemas ---------------------------------------------------------------------------

class ReceiptCodeSchema(Schema):
    code = Text(required=True, validate=validate.Length(max=CODE_MAX),
                metadata={"description": "查询码，如 ABCD-EFGH-JKMN-PQRS-TVWX（不区分大小写）"})


class ReceiptMessageSchema(ReceiptCodeSchema):
    text = Text(required=True, metadata={"maxLength": TEXT_MAX})


class ReceiptEventSchema(Schema):
    """A step of the history as the anonymous writer sees it: nobody is named, only
    whether it came from the writer or from the GM office."""

    computed = {
        "action_label": lambda event: str(ACTION_LABELS.get(event.action, event.action)),
        "by": lambda event: "writer" if event.actor_label == "writer" else "gm_office",
    }

    at = Timestamp()
    action = fields.String(metadata={"enum": list(ACTION_LABELS)})
    action_label = fields.String()
    to_status = fields.String(allow_none=True)
    text = fields.String()
    by = fields.String(metadata={"enum": ["writer", "gm_office"]})


class ReceiptViewSchema(Schema):
    computed = {
        "kind": lambda letter: "letter",
        "status_label": lambda letter: str(STATUS_LABELS[letter.status]),
        "history": lambda letter: visible_events(None, letter),
    }

    kind = fields.String(metadata={"enum": ["letter"]})
    number = fields.String()
    subject = fields.String()
    category = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.String()
    filed_on = fields.Date()
    answer = fields.String(allow_none=True)
    answered_at = Timestamp(allow_none=True)
    history = fields.List(fields.Nested(ReceiptEventSchema))


def _letter_by_code_or_404(code: str) -> Letter:
    letter = letter_by_receipt(code)
    if letter is None:
        abort(404, message=_("查询码不正确。"))
    return letter


# --- routes ----------------------------------------------------------------------------

@blp.route("/lookup", methods=["POST"])
@limit_wrong_codes
@blp.doc(security=[])
@blp.arguments(ReceiptCodeSchema)
@blp.response(200, ReceiptViewSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def lookup(args):
    """The anonymous writer's view of a letter: status, answer and the history without
    internal notes or names.  A wrong code is a 404; too many of them a 429."""
    return _letter_by_code_or_404(args["code"])


@blp.route("/messages", methods=["POST"])
@limit_wrong_codes
@blp.doc(security=[])
@blp.arguments(ReceiptMessageSchema)
@blp.response(201, ReceiptEventSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def message(args) -> LetterEvent:
    """Add to an anonymous letter (dated to the day only).  An archived letter takes no
    more messages (409)."""
    letter = _letter_by_code_or_404(args["code"])
    event = add_writer_message(letter, args["text"])
    db.session.commit()
    return event
