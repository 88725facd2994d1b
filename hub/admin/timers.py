"""系统管理 · 紧急程度时限: each kind's timer at 特急 / 急 / 一般.

The rules and the defaults live in ``hub.suggestions.timers`` (minutes or the same day for a
customer complaint's first response, working days for the other kinds); a change applies to
urgencies set from then on — a report keeps the timer it was given.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional

from hub.admin import bp
from hub.extensions import db
from hub.suggestions.labels import KIND_LABELS, URGENCY_LABELS
from hub.suggestions.models import KINDS, URGENCIES
from hub.suggestions.timers import (
    DEFAULT_TIMERS,
    TimerError,
    all_timers,
    check_timer,
    describe,
    set_timer,
)

RULE_LABELS = {
    "minutes": _l("分钟内首次响应"),
    "end_of_day": _l("当日或约定时间内首次响应"),
    "working_days": _l("工作日内办结"),
    "none": _l("无（按一般受理期限）"),
}


class TimersForm(FlaskForm):
    """``rule_<kind>_<urgency>`` and ``amount_<kind>_<urgency>`` for every kind and urgency
    (added by ``timers_form``)."""

    def cells(self, kind: str) -> list[tuple[str, SelectField, IntegerField]]:
        return [(urgency, self[f"rule_{kind}_{urgency}"], self[f"amount_{kind}_{urgency}"])
                for urgency in URGENCIES]


def timers_form() -> TimersForm:
    class Form(TimersForm):
        pass

    current = all_timers()  # one statement
    defaults = {}
    for kind in KINDS:
        for urgency in URGENCIES:
            label = f"{KIND_LABELS[kind]} · {URGENCY_LABELS[urgency]}"
            setattr(Form, f"rule_{kind}_{urgency}", SelectField(
                label, choices=[SelectChoice(r, text) for r, text in RULE_LABELS.items()],
                validators=[InputRequired(_l("请选择时限规则。"))]))
            setattr(Form, f"amount_{kind}_{urgency}", IntegerField(
                _l("%(label)s：分钟数或工作日数", label=label), validators=[Optional()]))
            timer = current[(kind, urgency)]
            defaults[f"rule_{kind}_{urgency}"] = timer.rule
            defaults[f"amount_{kind}_{urgency}"] = timer.amount
    return Form(**defaults)


@bp.route("/timers", methods=["GET", "POST"])
def timers():
    form = timers_form()
    if form.validate_on_submit():
        chosen = {}
        for kind in KINDS:
            for urgency, rule, amount in form.cells(kind):
                try:
                    chosen[(kind, urgency)] = check_timer(rule.data, amount.data)
                except TimerError as error:
                    amount.errors = [*amount.errors, error.message]
        if not any(f.errors for f in form):
            for (kind, urgency), timer in chosen.items():
                set_timer(kind, urgency, timer)
            db.session.commit()
            flash(_("时限已保存，之后设置的紧急程度按新的时限计算。"), "success")
            return redirect(url_for("admin.timers"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/timers.html", form=form, kinds=KINDS,
                           kind_labels=KIND_LABELS, urgency_labels=URGENCY_LABELS,
                           defaults={key: describe(t) for key, t in DEFAULT_TIMERS.items()}), \
        status
