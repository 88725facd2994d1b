"""Forms of the admin area.  Choices that come from the database (departments, people,
handling units) are filled by the view, see ``hub.admin.views.fill_*``."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from hub.auth.services import MIN_PASSWORD_LENGTH
from hub.extensions import db
from hub.org.importer import DEPARTMENT_SEPARATORS, is_valid_username, normalise_email
from hub.org.models import Department
from hub.org.services import department_name_taken, user_with_employee_no, user_with_username

ROLE_LABELS = {
    "admin": _l("管理员"),
    "gm_office": _l("总经办"),
    "hr": _l("人力资源"),
}
NO_ONE = 0  # the select value for "no manager / no head / top level"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _strip_lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserSearchForm(FlaskForm):
    """The filters above the user list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), validators=[Optional(), Length(max=100)], filters=[_strip])
    department = SelectField(_l("部门"), coerce=int, default=NO_ONE)
    status = SelectField(_l("状态"), default="active", choices=[
        SelectChoice("active", _l("在职")), SelectChoice("inactive", _l("已停用")),
        SelectChoice("all", _l("全部"))])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)], default=1)


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)],
                           filters=[_strip_lower])
    employee_no = StringField(_l("工号"), validators=[Optional(), Length(max=32)],
                              filters=[_strip])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)], filters=[_strip])
    title = StringField(_l("职务"), validators=[Optional(), Length(max=64)], filters=[_strip])
    email = StringField(_l("邮箱"), validators=[Optional(), Length(max=254)], filters=[_strip])
    department = SelectField(_l("部门"), coerce=int, validators=[InputRequired()])
    manager = SelectField(_l("直属上级"), coerce=int, default=NO_ONE)
    probation_ends_on = DateField(_l("试用期满日期"), validators=[Optional()])
    roles = MultiCheckboxField(_l("角色"), choices=[
        SelectChoice(role, label) for role, label in ROLE_LABELS.items()])
    units = MultiCheckboxField(_l("受理单位成员"), coerce=int)
    unit_heads = MultiCheckboxField(_l("受理单位负责人"), coerce=int)
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the account being edited; None when creating one

    def validate_username(self, field):
        if not is_valid_username(field.data):
            raise ValidationError(_("用户名只能用小写字母、数字、点、下划线和连字符，"
                                    "并以字母或数字开头。"))
        holder = user_with_username(field.data, exclude=self.user)
        if holder is not None:
            raise ValidationError(_("用户名 %(username)s 已被 %(name)s 使用。",
                                    username=field.data, name=holder.name))

    def validate_employee_no(self, field):
        holder = user_with_employee_no(field.data, exclude=self.user)
        if holder is not None:
            raise ValidationError(_("工号 %(no)s 已被 %(name)s 使用。",
                                    no=field.data, name=holder.name))

    def validate_email(self, field):
        try:
            field.data = normalise_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def validate_manager(self, field):
        if self.user is not None and field.data == self.user.id:
            raise ValidationError(_("不能把本人设为自己的上级。"))

    def validate_roles(self, field):
        if self.user is not None and self.user.id == current_user.id \
                and "admin" not in field.data:
            raise ValidationError(_("不能移除自己的管理员角色，请让另一位管理员操作。"))

    def unit_memberships(self) -> dict[int, bool]:
        """Unit id → heads it; heading a unit implies being its member."""
        heads = set(self.unit_heads.data or ())
        return {unit_id: unit_id in heads for unit_id in {*(self.units.data or ()), *heads}}


class PasswordResetForm(FlaskForm):
    mode = RadioField(_l("新密码"), default="generate", choices=[
        SelectChoice("generate", _l("由系统生成随机密码（只显示一次）")),
        SelectChoice("manual", _l("由我输入新密码")),
    ])
    new_password = PasswordField(_l("新密码"), validators=[Length(max=256)])
    confirm = PasswordField(_l("再次输入新密码"))
    submit = SubmitField(_l("重置密码"))

    def validate_new_password(self, field):
        if self.mode.data != "manual":
            return
        if len(field.data or "") < MIN_PASSWORD_LENGTH:
            raise ValidationError(_("密码至少 %(n)d 个字符。", n=MIN_PASSWORD_LENGTH))

    def validate_confirm(self, field):
        if self.mode.data == "manual" and field.data != self.new_password.data:
            raise ValidationError(_("两次输入的密码不一致。"))


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class DepartmentForm(FlaskForm):
    name = StringField(_l("部门名称"), validators=[DataRequired(), Length(max=100)],
                       filters=[_strip])
    parent = SelectField(_l("上级部门"), coerce=int, default=NO_ONE)
    head = SelectField(_l("负责人"), coerce=int, default=NO_ONE)
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, department: Department | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department

    def validate_name(self, field):
        # The import reads "市场部/华东销售组" as a path, so a name may not contain one.
        if DEPARTMENT_SEPARATORS.search(field.data):
            raise ValidationError(_("部门名称不能包含 / · > 等分隔符。"))
        parent = db.session.get(Department, self.parent.data) if self.parent.data else None
        if department_name_taken(field.data, parent, exclude=self.department):
            raise ValidationError(_("上级部门下已有名为“%(name)s”的部门。", name=field.data))


class ImportUploadForm(FlaskForm):
    file = FileField(_l("组织架构表（CSV 或 Excel .xlsx）"),
                     validators=[FileRequired(message=_l("请选择要上传的文件。"))])
    submit = SubmitField(_l("检查（试运行）"))


class ImportApplyForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("确认导入"))
