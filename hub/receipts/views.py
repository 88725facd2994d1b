"""The receipt pages: type the code, see the item's status, answer and messages, and send
a follow-up.  A wrong code is a 404 that says only that the code was not found, and wrong
codes are throttled (see ``hub.common.receipt_throttling``).  Nothing here flashes, since
flashes live in the session."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from hub.common.forms import show_error
from hub.common.receipt_throttling import limit_wrong_codes
from hub.extensions import db
from hub.receipts import bp
from hub.receipts.forms import FeedbackForm, LookupForm, MessageForm
from hub.receipts.kinds import ERRORS, Receipt, find_receipt


@bp.route("/", methods=["GET", "POST"])
@limit_wrong_codes
def lookup():
    form = LookupForm()
    if not form.validate_on_submit():
        return render_template("receipts/lookup.html", form=form), \
            400 if form.is_submitted() else 200
    receipt = find_receipt(form.code.data)
    if receipt is None:
        return not_found(form)
    return receipt_page(receipt, MessageForm(formdata=None, code=form.code.data))


def _opened_by(form):
    """The receipt a posted form's code opens, or the page answering a broken form (400)
    or a code that opens nothing."""
    if form.code.errors:  # a broken form, not a wrong code
        lookup_form = LookupForm(formdata=None)
        lookup_form.code.errors = form.code.errors
        return None, (render_template("receipts/lookup.html", form=lookup_form), 400)
    receipt = find_receipt(form.code.data)
    if receipt is None:
        return None, not_found(LookupForm(formdata=None))
    return receipt, None


@bp.route("/message", methods=["POST"])
@limit_wrong_codes
def message():
    form = MessageForm()
    valid = form.validate_on_submit()
    receipt, refused = _opened_by(form)
    if refused is not None:
        return refused
    if not valid:
        return receipt_page(receipt, form, status=400)
    try:
        receipt.add_message(form.text.data)
    except ERRORS as error:
        db.session.rollback()
        form.text.errors.append(error.message)
        return receipt_page(receipt, form, status=error.status)
    db.session.commit()
    return receipt_page(receipt, MessageForm(formdata=None, code=form.code.data), sent=True)


@bp.route("/feedback", methods=["POST"])
@limit_wrong_codes
def feedback():
    """The anonymous writer's verdict on the answer to a letter (satisfied or not)."""
    form = FeedbackForm()
    valid = form.validate_on_submit()
    receipt, refused = _opened_by(form)
    if refused is not None:
        return refused
    message_form = MessageForm(formdata=None, code=form.code.data)
    if not receipt.accepts_feedback:
        return receipt_page(receipt, message_form, status=409,
                            problem=_("这封来信现在没有待评价的答复。"))
    if not valid:
        return receipt_page(receipt, message_form, feedback_form=form, status=400)
    try:
        receipt.give_feedback(**form.service_fields())
    except ERRORS as error:
        db.session.rollback()
        show_error(form, error)
        return receipt_page(receipt, message_form, feedback_form=form, status=error.status)
    db.session.commit()
    return receipt_page(receipt, message_form, feedback_sent=True)


def receipt_page(receipt: Receipt, form: MessageForm, *, sent: bool = False,
                 feedback_form: FeedbackForm | None = None, feedback_sent: bool = False,
                 problem: str | None = None, status: int = 200):
    if feedback_form is None:
        feedback_form = FeedbackForm(formdata=None, code=form.code.data)
    return render_template("receipts/receipt.html", receipt=receipt, form=form,
                           sent=sent, feedback_form=feedback_form,
                           feedback_sent=feedback_sent, problem=problem), status


def not_found(form: LookupForm):
    """The same answer for every wrong code, whatever it looked like."""
    message = _("没有找到这个查询码。请核对后重新输入（不区分大小写，短横线可省略）。")
    return render_template("receipts/lookup.html", form=form, not_found=message), 404
