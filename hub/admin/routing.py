"""系统管理 · 受理路由: which handling unit receives each kind of report, and the fallback
unit that takes a report over when nobody in the routed unit may handle it (SPEC §2:
"routing is data an admin can change").

The admin blueprint answers 404 to everybody but the admin.  The rules (what a route is, the
defaults) live in ``hub.suggestions.services``; a change applies to reports filed from then
on — a report keeps the unit it was filed with.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import InputRequired

from hub.admin import bp
from hub.extensions import db
from hub.org.models import HandlingUnit
from hub.suggestions.models import KINDS
from hub.suggestions.services import (
    KIND_LABELS,
    ReportError,
    current_routes,
    fallback_unit_code,
    set_fallback_unit,
    set_route,
)

ROUTE_PREFIX = "route_"


class RoutingForm(FlaskForm):
    """One select of handling units per kind (``route_<kind>``, added by ``routing_form``)
    and the fallback unit."""

    fallback = SelectField(_l("兜底受理单位"), coerce=int, validators=[InputRequired()])

    def routes(self) -> list[tuple[str, SelectField]]:
        return [(kind, self[ROUTE_PREFIX + kind]) for kind in KINDS]


def routing_form(units: list[HandlingUnit]) -> RoutingForm:
    """The form for today's units, filled with today's routes."""

    class Form(RoutingForm):
        pass

    for kind in KINDS:
        setattr(Form, ROUTE_PREFIX + kind,
                SelectField(KIND_LABELS[kind], coerce=int, validators=[InputRequired()]))
    routes = current_routes(units)  # one statement for every kind
    defaults = {ROUTE_PREFIX + kind: unit.id if unit else None for kind, unit in routes.items()}
    code = fallback_unit_code()
    current_fallback = next((unit for unit in units if unit.code == code), None)
    form = Form(fallback=current_fallback.id if current_fallback else None, **defaults)
    choices = [(unit.id, unit.name) for unit in units]
    form.fallback.choices = choices
    for _kind, field in form.routes():
        field.choices = choices
    return form


@bp.route("/routing", methods=["GET", "POST"])
def routing():
    units = list(db.session.scalars(select(HandlingUnit).order_by(HandlingUnit.id)))
    form = routing_form(units)
    if form.validate_on_submit():
        by_id = {unit.id: unit for unit in units}
        try:
            for kind, field in form.routes():
                set_route(kind, by_id[field.data])
            set_fallback_unit(by_id[form.fallback.data])
        except ReportError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("受理路由已保存，之后提交的事项按新的路由受理。"), "success")
            return redirect(url_for("admin.routing"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/routing.html", form=form, units=units), status
