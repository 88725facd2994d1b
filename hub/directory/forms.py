"""Forms of the people directory. They are GET forms (a search is a link one can share and
bookmark), so they carry no CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from hub.common.converters import MAX_ID

#: Deeper pages than this are refused, so the offset always fits the database's integers.
MAX_PAGE = 10_000


class PageForm(FlaskForm):
    class Meta:
        csrf = False

    page = IntegerField(widget=HiddenInput(),
                        validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)])

    def page_number(self) -> int:
        """The page asked for, or the first page when the value was missing or nonsense."""
        if self.page.errors or self.page.data is None:
            return 1
        return self.page.data


class SearchForm(PageForm):
    q = StringField(_l("搜索"), validators=[
        Optional(), Length(max=100, message=_l("搜索词不能超过 100 个字符。"))])
    dept = IntegerField(widget=HiddenInput(), validators=[
        Optional(), NumberRange(min=1, max=MAX_ID, message=_l("找不到该部门。"))])
    inactive = BooleanField(_l("包括已离职人员"))
