"""The search form (GET: no CSRF token).  A value that is not valid is an error on its
field and filters nothing; the search itself never fails on what people type."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SearchField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from hub.common.forms import department_choices
from hub.search.registry import providers

MAX_PAGE = 500


def _kind_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("全部类型"))] + [
        SelectChoice(p.kind, p.label) for p in providers()]


def _status_choices() -> list[SelectChoice]:
    seen: dict[str, object] = {}
    for provider in providers():
        for value, label in provider.status_labels.items():
            seen.setdefault(value, label)
    return [SelectChoice("", _l("全部状态"))] + [SelectChoice(v, l) for v, l in seen.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("关键词"), validators=[Optional()])
    kind = SelectField(_l("类型"), default="", validators=[Optional()])
    department = SelectField(_l("部门"), coerce=int, default=0, validators=[Optional()])
    status = SelectField(_l("状态"), default="", validators=[Optional()])
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    sort = SelectField(_l("排序"), default="relevance", choices=[
        SelectChoice("relevance", _l("按相关度")), SelectChoice("date", _l("按日期"))])
    page = IntegerField(default=1, validators=[Optional(), NumberRange(1, MAX_PAGE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()
        self.status.choices = _status_choices()
        self.department.choices = [SelectChoice(0, _l("全部部门"))] + department_choices()

    def criteria(self) -> dict:
        """The valid choices, as ``query.search`` takes them."""
        def ok(field):
            return field.data if not field.errors else None

        kind = ok(self.kind)
        return {
            "kinds": [kind] if kind else None,
            "department_id": ok(self.department) or None,
            "status": ok(self.status) or None,
            "date_from": ok(self.date_from),
            "date_to": ok(self.date_to),
            "sort": ok(self.sort) or "relevance",
            "page": ok(self.page) or 1,
        }

    def query_args(self) -> dict:
        """The search as URL arguments, for links that keep it (pages, facets)."""
        chosen = self.criteria()
        return {"q": (self.q.data or "").strip() or None,
                "kind": chosen["kinds"][0] if chosen["kinds"] else None,
                "department": chosen["department_id"], "status": chosen["status"],
                "date_from": chosen["date_from"].isoformat() if chosen["date_from"] else None,
                "date_to": chosen["date_to"].isoformat() if chosen["date_to"] else None,
                "sort": chosen["sort"] if chosen["sort"] != "relevance" else None}
