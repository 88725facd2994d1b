"""Following an anonymous letter or report by its receipt code (查询码), without signing in.

The code travels only in a POST body: a code in a URL would end up in access logs, proxies
and browser history, so a request that puts one in the query string is refused outright.
These endpoints never load a user (``hub.auth.access.ANONYMOUS_ENDPOINTS``) and their paths
are never access-logged (``hub.common.logging``).  Wrong codes are throttled per asker,
together with those typed into the receipt pages, without keeping who asked
(``hub.common.receipt_throttling``).

A code opens one letter or one report; the answer says which (``kind``) and shows it as
its anonymous filer may see it: no names, no internal notes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import Schema, Text, Timestamp
from hub.common import holding
from hub.common.receipt_throttling import limit_wrong_codes
from hub.extensions import db
from hub.mailbox import services as mailbox
from hub.mailbox.access import latest_feedback, receipt_actions
from hub.mailbox.api import FeedbackSchema
from hub.mailbox.models import CATEGORIES as LETTER_CATEGORIES
from hub.mailbox.models import STATUSES as LETTER_STATUSES
from hub.mailbox.models import Letter, LetterEvent
from hub.suggestions import services as reports
from hub.suggestions.models import KINDS, Report, ReportEvent
from hub.suggestions.models import STATUSES as REPORT_STATUSES

blp = Blueprint("api_receipts", __name__, url_prefix="/receipts",
                description="匿名来信、匿名建议与举报凭查询码查询（无需登录）")
blp.answers_refusals(mailbox.LetterError, reports.ReportError)

CODE_MAX = 100  # generous for dashes and spaces; a code is 20 characters
TEXT_MAX = max(mailbox.TEXT_MAX, reports.TEXT_MAX)  # each service checks its own limit


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


# --- what a code can open --------------------------------------------------------------

@dataclass(frozen=True)
class ItemKind:
    """One kind of item a receipt code can open, and how its anonymous filer sees it."""

    name: str
    model: type
    event_model: type
    find: Callable[[str], object | None]
    events: Callable[[object], list]
    add_message: Callable[[object, str], object]
    status_labels: dict
    action_labels: dict
    filer_label: str  # ``by`` of the filer's own steps; everything else is ``handler_label``
    handler_label: str

    def by(self, event) -> str:
        return self.filer_label if event.actor_label == self.filer_label else \
            self.handler_label


ITEM_KINDS = (
    ItemKind("letter", Letter, LetterEvent, mailbox.letter_by_receipt,
             lambda letter: mailbox.visible_events(None, letter), mailbox.add_writer_message,
             mailbox.STATUS_LABELS, mailbox.ACTION_LABELS, "writer", "gm_office"),
    ItemKind("report", Report, ReportEvent, reports.report_by_receipt,
             lambda report: reports.visible_events(None, report), reports.add_filer_message,
             reports.STATUS_LABELS, reports.ACTION_LABELS, "filer", "handling_unit"),
)


def item_kind(item) -> ItemKind:
    return next(kind for kind in ITEM_KINDS if isinstance(item, kind.model))


def event_kind(event) -> ItemKind:
    return next(kind for kind in ITEM_KINDS if isinstance(event, kind.event_model))


@dataclass(frozen=True)
class HeldView:
    """An anonymous filing still in the holding table (``hub.common.holding``): received,
    not yet recorded, so it has no number, history or answer yet."""

    kind: str
    subject: str
    category: str | None
    report_kind: str | None
    status: str = "received"
    id = None
    number = None
    filed_on = None
    answer = None
    answered_at = None

    @classmethod
    def of(cls, held: holding.HeldFiling) -> HeldView:
        fields_ = held.fields
        return cls(held.kind, fields_.get("subject", ""),
                   fields_.get("category") if held.kind == "letter" else None,
                   fields_.get("kind") if held.kind == "report" else None)


def item_by_code_or_404(code: str):
    """The letter or report the code opens (a ``HeldView`` while it is held back); a wrong
    code is a 404 whatever it looked like."""
    for kind in ITEM_KINDS:
        item = kind.find(code)
        if item is not None:
            return item
    held = holding.held_by_receipt(code)
    if held is not None:
        return HeldView.of(held)
    abort(404, message=_("查询码不正确。"))


def _held_or(compute: Callable[[object], object], held: Callable[[HeldView], object]):
    return lambda item: held(item) if isinstance(item, HeldView) else compute(item)


# --- schemas ---------------------------------------------------------------------------

class ReceiptEventSchema(Schema):
    """A step of the history as the anonymous filer sees it: nobody is named, only whether
    it came from the filer (``writer`` of a letter, ``filer`` of a report) or from those
    handling it (``gm_office``, ``handling_unit``)."""

    computed = {
        "action_label": lambda event: str(
            event_kind(event).action_labels.get(event.action, event.action)),
        "by": lambda event: event_kind(event).by(event),
    }

    at = Timestamp()
    action = fields.String(metadata={"enum": sorted({*mailbox.ACTION_LABELS,
                                                      *reports.ACTION_LABELS})})
    action_label = fields.String()
    to_status = fields.String(allow_none=True)
    text = fields.String()
    by = fields.String(metadata={"enum": ["writer", "gm_office", "filer", "handling_unit"]})


class ReceiptViewSchema(Schema):
    computed = {
        "kind": _held_or(lambda item: item_kind(item).name, lambda held: held.kind),
        "report_kind": _held_or(lambda item: item.kind if isinstance(item, Report) else None,
                                lambda held: held.report_kind),
        "report_kind_label": _held_or(
            lambda item: str(reports.KIND_LABELS[item.kind]) if isinstance(item, Report)
            else None,
            lambda held: str(reports.KIND_LABELS[held.report_kind]) if held.report_kind
            else None),
        "category": _held_or(lambda item: item.category if isinstance(item, Letter) else None,
                             lambda held: held.category),
        "status_label": _held_or(
            lambda item: str(item_kind(item).status_labels[item.status]),
            lambda held: _("已收到，登记中")),
        "history": _held_or(lambda item: item_kind(item).events(item), lambda held: []),
        "feedback": _held_or(
            lambda item: latest_feedback(item) if isinstance(item, Letter) else None,
            lambda held: None),
        "allowed_actions": _held_or(
            lambda item: receipt_actions(item) if isinstance(item, Letter)
            else (["message"] if item.status != "closed" else []),
            lambda held: []),
    }

    kind = fields.String(metadata={"enum": [kind.name for kind in ITEM_KINDS]})
    id = fields.Integer(allow_none=True, metadata={
        "description": "来信或事项的 id（如 POST /api/v1/letters/{id}/feedback 带 code 评价答复）；"
                       "登记前为 null"})
    number = fields.String(allow_none=True, metadata={
        "description": "登记号；匿名材料登记前（status = received）为 null"})
    subject = fields.String()
    category = fields.String(allow_none=True, metadata={
        "enum": list(LETTER_CATEGORIES), "description": "来信类别（仅来信）"})
    report_kind = fields.String(allow_none=True, metadata={
        "enum": list(KINDS), "description": "建议与举报的类别（仅 kind = report）"})
    report_kind_label = fields.String(allow_none=True)
    status = fields.String(metadata={
        "enum": sorted({"received", *LETTER_STATUSES, *REPORT_STATUSES}),
        "description": "received：已收到，登记中（匿名材料在下一批登记前），之后为处理状态"})
    status_label = fields.String()
    filed_on = fields.Date(allow_none=True)
    answer = fields.String(allow_none=True)
    answered_at = Timestamp(allow_none=True)
    history = fields.List(fields.Nested(ReceiptEventSchema))
    feedback = fields.Nested(FeedbackSchema, allow_none=True, metadata={
        "description": "来信：来信人对答复的最新评价"})
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "凭查询码现在可做的事：message（补充说明）、give_feedback（评价答复，仅来信）"})


# --- routes ----------------------------------------------------------------------------

@blp.route("/lookup", methods=["POST"])
@limit_wrong_codes
@blp.doc(security=[])
@blp.arguments(ReceiptCodeSchema)
@blp.response(200, ReceiptViewSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def lookup(args):
    """The anonymous filer's view of a letter or a report: status, answer and the history
    without internal notes or names.  An anonymous filing that waits for its release into
    the records answers ``status: "received"`` (已收到，登记中) with no number or history.
    A wrong code is a 404; too many of them a 429."""
    return item_by_code_or_404(args["code"])


@blp.route("/messages", methods=["POST"])
@limit_wrong_codes
@blp.doc(security=[])
@blp.arguments(ReceiptMessageSchema)
@blp.response(201, ReceiptEventSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def message(args):
    """Add to an anonymous letter or report (dated to the day only).  An archived letter or
    a closed report takes no more messages (409), nor does a filing not yet recorded
    (``status: "received"``; try again once it is)."""
    item = item_by_code_or_404(args["code"])
    if isinstance(item, HeldView):
        abort(409, message=_("您的材料已收到，正在登记。登记完成后即可在这里补充说明，请稍后再来。"))
    event = item_kind(item).add_message(item, args["text"])
    db.session.commit()
    return event
