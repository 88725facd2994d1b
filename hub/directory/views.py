"""通讯录 people directory: search, the department tree, a person's and a department's page.

Everything is a GET with plain links and forms, so it works without JavaScript and every
result list can be bookmarked or shared.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from hub.directory import bp
from hub.directory.forms import PageForm, SearchForm
from hub.directory.services import (
    find_department,
    get_department_or_404,
    get_person_or_404,
    headcounts,
    person_profile,
    with_heads,
)
from hub.org.directory import Page, search_people
from hub.org.permissions import sees_former_staff
from hub.org.services import department_path, department_tree

PER_PAGE = 20


@bp.route("/")
def index():
    form = SearchForm(formdata=request.args)
    form.validate()
    q = "" if form.q.errors else (form.q.data or "").strip()
    department = None if form.dept.errors else find_department(form.dept.data)
    lost_department = bool(form.dept.errors) or (form.dept.data and department is None)
    may_see_former = sees_former_staff(current_user)
    show_inactive = bool(form.inactive.data) and may_see_former
    # Every department at once (the tree, the counts, each result's department): kept
    # referenced while the page renders, so none is loaded again.
    tree = department_tree()
    if form.q.errors:  # the message says why; listing everybody instead would mislead
        results = Page(items=[], total=0, page=1, per_page=PER_PAGE)
    else:
        results = _search(q=q, department=department, page=form.page_number(),
                          include_inactive=show_inactive)
    return render_template(
        "directory/index.html",
        form=form,
        may_see_former=may_see_former,
        department=department,
        notice=_("找不到该部门。") if lost_department else None,
        results=results,
        # Links out of this page (pages, the tree) keep the search they came from.
        query_args={"q": q or None, "dept": department.id if department else None,
                    "inactive": "y" if show_inactive else None},
        tree=tree,
        counts=headcounts(tree),
    )


@bp.route("/<id:user_id>")
def person(user_id: int):
    profile = person_profile(get_person_or_404(user_id, current_user), current_user)
    return render_template("directory/person.html", profile=profile)


@bp.route("/departments/<id:dept_id>")
def department(dept_id: int):
    dept = get_department_or_404(dept_id)
    form = PageForm(formdata=request.args)
    form.validate()
    # Every department at once: the path and the sub-departments are read from it, and it
    # stays referenced while the page renders, so no department is loaded twice.
    tree = department_tree()
    members = _search(department=dept, include_sub=False, page=form.page_number())
    children = [d for d, _depth in tree if d.parent_id == dept.id]
    heads = with_heads([dept, *children])
    return render_template(
        "directory/department.html",
        dept=dept,
        path=department_path(dept),
        head=heads[0][1],
        children=heads[1:],
        members=members,
        counts=headcounts(tree),
    )


def _search(**criteria) -> Page:
    """``search_people`` for the signed-in viewer; a page past the end (an old bookmark)
    shows the last page rather than nothing."""
    results = search_people(current_user, per_page=PER_PAGE, **criteria)
    if results.page > results.pages:
        results = search_people(current_user, per_page=PER_PAGE,
                                **dict(criteria, page=results.pages))
    return results
