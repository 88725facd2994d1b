"""Forms of the receipt pages.  The code is a form field, so it travels in the POST body
and never in a URL."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hub.mailbox.forms import FeedbackForm as LetterFeedbackForm
from hub.mailbox.services import TEXT_MAX

#: Longer than any code typed with spaces and dashes; longer input is not a code.
CODE_MAX = 64

_code_validators = [DataRequired(_l("请输入查询码。")),
                    Length(max=CODE_MAX, message=_l("查询码不正确。"))]


class LookupForm(FlaskForm):
    code = StringField(_l("查询码"), validators=_code_validators)


class MessageForm(FlaskForm):
    code = HiddenField(validators=_code_validators)
    text = TextAreaField(_l("补充说明"), validators=[
        DataRequired(_l("请填写此项。")),
        Length(max=TEXT_MAX, message=_l("不能超过 %(n)s 个字符。", n=TEXT_MAX))])


class FeedbackForm(LetterFeedbackForm):
    """The anonymous writer's verdict on the answer to a letter, with the code.  Sent with
    the prefix ``feedback`` (the page's follow-up form has a code field too)."""

    code = HiddenField(validators=_code_validators)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "feedback")
        super().__init__(*args, **kwargs)
