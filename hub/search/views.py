"""The search page ``/search/``: one box (also in every page's header), results with
highlighted snippets, filters with counts that respect permissions, relevance or date order.

Everything shown comes from ``hub.search.query.search`` for the signed-in person; a
missing or broken index shows a message (and a rebuild is queued), never an error page.
"""
from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from hub.extensions import db
from hub.org.models import Department
from hub.search import bp
from hub.search.forms import SearchForm
from hub.search.query import search
from hub.search.registry import PROVIDERS


@bp.route("/")
def index():
    form = SearchForm(formdata=request.args)
    form.validate()
    q = (form.q.data or "").strip()
    results = None
    if q:
        results = search(current_user, q, per_page=current_app.config["SEARCH_PER_PAGE"],
                         **form.criteria())
    departments = {}
    if results:
        ids = {int(value) for value, _count in results.facets.get("department", [])}
        ids |= {hit.department_id for hit in results.hits if hit.department_id}
        departments = {d.id: d.name for d in db.session.scalars(
            select(Department).where(Department.id.in_(ids)))}
    return render_template("search/index.html", form=form, q=q, results=results,
                           providers=PROVIDERS, departments=departments,
                           query_args=form.query_args())
