from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from hub.auth.services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField(_l("登录"))


class LogoutForm(FlaskForm):
    """Only the CSRF token: logging out is a POST that another site cannot forge."""

    submit = SubmitField(_l("退出登录"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("新密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=256)]
    )
    confirm = PasswordField(
        _l("再次输入新密码"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("两次输入的密码不一致。"))],
    )
    submit = SubmitField(_l("修改密码"))


class CreateTokenForm(FlaskForm):
    name = StringField(_l("令牌名称"), validators=[
        DataRequired(message=_l("请给令牌起个名字，便于日后辨认。")),
        Length(max=100, message=_l("名称不能超过 100 个字符。")),
        # PostgreSQL cannot store NUL characters; refuse them like any other bad input.
        Regexp(r"^[^\x00]*$", message=_l("名称包含无效字符。")),
    ])
    submit = SubmitField(_l("创建令牌"))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: revoking is a POST that another site cannot forge."""

    submit = SubmitField(_l("吊销"))
