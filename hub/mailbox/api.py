"""The GM mailbox through the API: write a letter, list and read what the caller may see,
move a letter through its lifecycle.

Everything goes through ``hub.mailbox.services``, the same functions the pages call: a letter
the caller may not see is a 404 (never a 403), an illegal transition a 409, any other refusal
of the mailbox a 400 with the fields it concerns.  An anonymous letter carries no person.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    AttachmentInfoSchema,
    DepartmentSchema,
    PageArgs,
    PersonRef,
    RowId,
    Schema,
    Text,
    Timestamp,
    ViewSchema,
    page_of,
)
from hub.common.markdown import render_markdown
from hub.common.receipt_throttling import limit_wrong_codes
from hub.extensions import db
from hub.mailbox.access import (
    get_letter_or_404,
    letter_receipt_view,
    letter_summary_view,
    letter_view,
    receipt_letter,
    visible_letters,
)
from hub.mailbox.models import CATEGORIES, STATUSES
from hub.mailbox.services import (
    ACTION_LABELS,
    ACTIONS,
    BODY_MAX,
    CATEGORY_LABELS,
    STATUS_LABELS,
    SUBJECT_MAX,
    TEXT_MAX,
    LetterError,
    file_letter,
    filter_letters,
    give_feedback,
    paginate,
    perform,
    return_letter,
    urge,
)
from hub.org.models import Department, User

blp = Blueprint("api_letters", __name__, url_prefix="/letters", description="总经理信箱")


blp.answers_refusals(LetterError)


# --- schemas ---------------------------------------------------------------------------

def _label(labels: dict, key: str | None) -> str | None:
    return str(labels[key]) if key in labels else None


class LetterEventSchema(Schema):
    """One step of the history.  ``actor`` is null where no person acted: ``actor_label``
    then says ``writer`` (the anonymous writer) or ``system`` (reminders)."""

    computed = {"action_label": lambda event: _label(ACTION_LABELS, event.action)}

    id = fields.Integer()
    at = Timestamp()
    action = fields.String(metadata={"enum": list(ACTION_LABELS)})
    action_label = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    text = fields.String(attribute="shown_text", metadata={
        "description": "系统生成的步骤按读者的语言显示"})
    internal = fields.Boolean(metadata={"description": "内部备注，来信人看不到"})
    actor = PersonRef()
    actor_label = fields.String(allow_none=True)
    department = fields.Nested(DepartmentSchema, allow_none=True)
    handler = PersonRef()
    due_at = Timestamp(allow_none=True)


class FeedbackSchema(Schema):
    satisfied = fields.Boolean()
    reason = fields.String(metadata={"description": "不满意的理由（满意时可为空）"})
    at = Timestamp(metadata={"description": "匿名来信人的评价只精确到日"})


class LetterSummarySchema(ViewSchema):
    """A letter as ``hub.mailbox.access`` lets the caller see it: only the fields its view
    shows (an anonymous letter has no ``author`` key)."""

    computed = {
        "status_label": lambda view: _label(STATUS_LABELS, view.status),
        "category_label": lambda view: _label(CATEGORY_LABELS, view.category),
    }

    id = fields.Integer()
    number = fields.String(metadata={"description": "登记编号 GM-YYYY-NNNNNN"})
    subject = fields.String()
    category = fields.String(metadata={"enum": list(CATEGORIES)})
    category_label = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.String()
    anonymous = fields.Boolean()
    author = PersonRef(metadata={"description": "来信人；匿名来信为 null"})
    department = fields.Nested(DepartmentSchema, allow_none=True,
                               metadata={"description": "承办部门"})
    handler = PersonRef(metadata={"description": "承办人"})
    filed_at = Timestamp(metadata={"description": "匿名来信只精确到日"})
    accept_due_at = Timestamp(metadata={"description": "受理期限（2 个工作日）"})
    due_at = Timestamp(allow_none=True, metadata={"description": "办理期限"})
    due_date = fields.Date(allow_none=True)
    overdue = fields.Boolean(metadata={"description": "受理或办理已超期"})
    answered_at = Timestamp(allow_none=True)


class LetterSchema(LetterSummarySchema):
    """A letter with its history as the caller may read it and what the caller may do."""

    computed = {
        **LetterSummarySchema.computed,
        "body_html": lambda view: str(render_markdown(view.body)),
    }

    body = fields.String(metadata={"description": "Markdown 原文"})
    body_html = fields.String(metadata={"description": "渲染并净化后的 HTML"})
    answer = fields.String(allow_none=True, metadata={"description": "答复（不予受理时为理由）"})
    accepted_at = Timestamp(allow_none=True)
    assigned_at = Timestamp(allow_none=True)
    resolved_at = Timestamp(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    history = fields.List(fields.Nested(LetterEventSchema))
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "调用者现在可执行的操作（POST …/actions 的 action）"})
    attachments = fields.List(fields.Nested(AttachmentInfoSchema))
    feedback = fields.Nested(FeedbackSchema, allow_none=True, metadata={
        "description": "来信人对答复的最新评价（有解必答）；尚未评价为 null"})


class LetterQuerySchema(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    overdue = fields.Boolean(load_default=False, metadata={"description": "只列出已超期的来信"})
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "承办部门"})


class NewLetterSchema(Schema):
    # Lengths are the service's rules (checked there, with its messages); listed here for
    # the OpenAPI document.
    subject = Text(required=True, metadata={"maxLength": SUBJECT_MAX})
    body = Text(required=True, metadata={"maxLength": BODY_MAX, "description": "Markdown"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    anonymous = fields.Boolean(load_default=False, metadata={
        "description": "匿名：不保存来信人，回复中给出一次查询码"})
    urgent = fields.Boolean(load_default=False, metadata={
        "description": "紧急：匿名来信立即登记，不等下一批（更容易从时间上被推断出是谁写的）"})


class FiledLetterSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String(metadata={
        "description": "submitted；匿名来信等待下一批登记时为 received（此时没有 id 和登记号）"})
    subject = fields.String()
    category = fields.String()
    anonymous = fields.Boolean()
    receipt_code = fields.String(metadata={
        "description": "仅匿名来信，且只在这一次回复中出现：凭它查询进展和答复"})


class LetterActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(list(ACTIONS)), metadata={
        "description": "accept / assign / resolve / answer / reject / archive，"
                       "以及 note（内部备注）、reply（回复来信人）、message（来信人补充）"})
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "assign：承办部门"})
    handler = RowId(User, data_key="handler_id", load_default=None,
                    metadata={"description": "assign：承办人（可选，默认部门负责人）"})
    due_date = fields.Date(load_default=None, metadata={"description": "assign：办理期限 YYYY-MM-DD"})
    text = Text(load_default="", metadata={
        "maxLength": TEXT_MAX,
        "description": "说明；resolve、answer、reject（理由）、note、reply、message、"
                       "return（退回理由）必填；give_feedback 不满意时为理由"})
    satisfied = fields.Boolean(load_default=None, metadata={
        "description": "give_feedback：来信人是否满意"})


class FeedbackArgsSchema(Schema):
    satisfied = fields.Boolean(required=True, metadata={"description": "是否满意"})
    text = Text(load_default="", metadata={
        "maxLength": TEXT_MAX, "description": "不满意的理由（不满意时必填）"})
    reason = Text(load_default="", metadata={
        "maxLength": TEXT_MAX, "description": "text 的别名"})
    code = Text(load_default=None, metadata={
        "maxLength": 100,
        "description": "匿名来信的查询码：带上它、不带令牌，即为匿名来信人的评价"})


class ReasonSchema(Schema):
    text = Text(required=True, metadata={"maxLength": TEXT_MAX, "description": "退回理由"})


class UrgeSchema(Schema):
    text = Text(load_default="", metadata={"maxLength": TEXT_MAX,
                                           "description": "催办说明（可选）"})


# --- routes ----------------------------------------------------------------------------

@blp.route("", methods=["POST"])
@blp.arguments(NewLetterSchema)
@blp.response(201, FiledLetterSchema)
def write(args):
    """Write a letter to the GM mailbox.

    An anonymous letter keeps no trace of its writer; the reply carries its receipt code,
    which is shown this once and never again (the writer cannot open it with the token).
    Unless ``urgent``, it waits for the next batch release into the records: the reply then
    says ``status: "received"`` and has no id or number (the receipt code follows it).
    """
    filed = file_letter(current_user, **args)
    db.session.commit()
    letter = filed.letter
    if letter is None:  # held back until the next release (hub.common.holding)
        return {"status": "received", "subject": args["subject"],
                "category": args["category"], "anonymous": True,
                "receipt_code": filed.receipt_code}
    result = {"id": letter.id, "number": letter.number, "status": letter.status,
              "subject": letter.subject, "category": letter.category,
              "anonymous": letter.anonymous}
    if filed.receipt_code:
        result["receipt_code"] = filed.receipt_code
    return result


@blp.route("", methods=["GET"])
@blp.arguments(LetterQuerySchema, location="query")
@blp.response(200, page_of(LetterSummarySchema))
def letters(args):
    """The letters the caller may see (own named letters, letters assigned to the caller or
    the caller's department; everything for the GM office), newest first."""
    stmt = filter_letters(visible_letters(current_user), status=args["status"],
                          category=args["category"], overdue=args["overdue"],
                          department_id=args["department"].id if args["department"] else None)
    items, total = paginate(stmt, args["page"], args["per_page"])
    return {"items": [letter_summary_view(current_user, item) for item in items], "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<id:letter_id>")
@blp.response(200, LetterSchema)
@blp.alt_response(404, response="NOT_FOUND")
def letter(letter_id: int):
    """One letter with its history (internal notes only for handlers), answer, deadlines,
    attachments and the actions the caller may take."""
    return letter_view(current_user, get_letter_or_404(letter_id, current_user))


@blp.route("/<id:letter_id>/actions", methods=["POST"])
@blp.arguments(LetterActionSchema)
@blp.response(200, LetterSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def act(args, letter_id: int):
    """Take one step: accept, assign (department_id, handler_id, due_date), resolve, answer,
    reject (text is the reason), archive, or add a note, a reply or the writer's message.

    An action the letter's state does not allow is a 409 ``conflict``."""
    letter = get_letter_or_404(letter_id, current_user)
    perform(letter, current_user, args.pop("action"), args)
    db.session.commit()
    return letter_view(current_user, letter)


@blp.route("/<id:letter_id>/feedback", methods=["POST"])
@limit_wrong_codes
@blp.doc(security=[{"bearerAuth": []}, {}])
@blp.arguments(FeedbackArgsSchema)
@blp.response(200, LetterSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def feedback(args, letter_id: int):
    """The writer's verdict on the answer (有解必答): ``satisfied`` true or false, with the
    reason in ``text`` when not satisfied, which puts the letter back before the GM office
    (status ``accepted``).  Once per answer; a letter without an answer waiting for a
    verdict is a 409.

    The anonymous writer sends the receipt ``code`` in the body and no token: the reply is
    then the letter as its anonymous writer sees it by receipt (a wrong code is a 404,
    counted with the receipt pages' wrong codes)."""
    reason = args["text"] or args["reason"]
    if args["code"] is not None:
        letter = receipt_letter(args["code"], letter_id)
        if letter is None:
            abort(404, message=_("查询码不正确。"))
        give_feedback(letter, satisfied=args["satisfied"], reason=reason)
        db.session.commit()
        return letter_receipt_view(letter)
    if not current_user.is_authenticated:
        abort(401, message=_("需要有效的访问令牌（Authorization: Bearer …）。"))
    letter = get_letter_or_404(letter_id, current_user)
    give_feedback(letter, satisfied=args["satisfied"], reason=reason, writer=current_user)
    db.session.commit()
    return letter_view(current_user, letter)


@blp.route("/<id:letter_id>/urge", methods=["POST"])
@blp.arguments(UrgeSchema)
@blp.response(200, LetterSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def urge_letter(args, letter_id: int):
    """催办 (GM office): press the handlers of an assignment past its due date, by a notice
    and an e-mail to each.  At most once per working day and letter (409 otherwise); a
    letter that is not overdue is a 409 too."""
    letter = get_letter_or_404(letter_id, current_user)
    urge(letter, current_user, args["text"])
    db.session.commit()
    return letter_view(current_user, letter)


@blp.route("/<id:letter_id>/return", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, LetterSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def return_to_office(args, letter_id: int):
    """退回 (the department the letter is assigned to, its head or the named handler):
    give a wrongly assigned letter back to the GM office with the reason in ``text``; it
    goes back to its queue (status ``accepted``, no department) for a new assignment."""
    letter = get_letter_or_404(letter_id, current_user)
    return_letter(letter, current_user, args["text"])
    db.session.commit()
    return letter_view(current_user, letter)
