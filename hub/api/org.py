"""The organisation through the API: who am I, the department tree, the people directory."""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, post_dump, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    DepartmentSchema,
    PageArgs,
    PersonRef,
    PersonSchema,
    RowId,
    Text,
    page_of,
)
from hub.extensions import db
from hub.org.directory import search_people
from hub.org.models import Department, User
from hub.org.permissions import can_view_person, can_view_probation
from hub.org.services import department_head, department_tree, direct_reports

blp = Blueprint("api_org", __name__, description="组织架构与通讯录")


class MeSchema(PersonSchema):
    computed = {
        "roles": lambda user: sorted(user.roles),
        "units": lambda user: sorted(m.unit.code for m in user.unit_memberships),
    }

    email = fields.String(allow_none=True)
    manager = PersonRef()
    roles = fields.List(fields.String(), metadata={"description": "admin / gm_office / hr"})
    units = fields.List(fields.String(), metadata={"description": "所属受理单位的代码"})
    locale = fields.String(allow_none=True)


class PersonDetailSchema(PersonSchema):
    computed = {"reports": direct_reports}

    email = fields.String(allow_none=True)
    active = fields.Boolean()
    manager = PersonRef()
    reports = fields.List(PersonRef(), metadata={"description": "直接下属（在职）"})
    probation_ends_on = fields.Date(allow_none=True, metadata={
        "description": "试用期满日期：只对人力资源部、管理员、本人及其直属上级出现"})

    @post_dump(pass_original=True)
    def _probation_for_those_who_may(self, data, person, **_kwargs):
        if not can_view_probation(current_user, person):
            data.pop("probation_ends_on", None)
        return data


class DepartmentNodeSchema(DepartmentSchema):
    computed = {"head": department_head}

    head = PersonRef()
    children = fields.List(fields.Nested(lambda: DepartmentNodeSchema()))


class PeopleQuerySchema(PageArgs):
    q = Text(load_default="", validate=validate.Length(max=100),
             metadata={"description": "姓名、用户名、职务、工号或邮箱的一部分"})
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "只列出该部门及其下级部门的人员"})
    include_inactive = fields.Boolean(load_default=False,
                                      metadata={"description": "含已停用人员（仅管理员）"})


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    """The caller: department, manager, roles and handling units."""
    return current_user


@blp.route("/departments")
@blp.response(200, DepartmentNodeSchema(many=True))
def departments():
    """The department tree: the top-level departments, each with nested ``children``."""
    return [dept for dept, depth in department_tree() if depth == 0]


@blp.route("/users")
@blp.arguments(PeopleQuerySchema, location="query")
@blp.response(200, page_of(PersonSchema))
def users(args):
    """The people directory: active people (admins may ask for those who left too)."""
    return search_people(current_user, q=args["q"], department=args["department"],
                         page=args["page"], per_page=args["per_page"],
                         include_inactive=args["include_inactive"])


@blp.route("/users/<id:user_id>")
@blp.response(200, PersonDetailSchema)
def user(user_id: int):
    """One person with their manager and direct reports."""
    person = db.session.get(User, user_id)
    if person is None or not can_view_person(current_user, person):
        abort(404)
    return person
