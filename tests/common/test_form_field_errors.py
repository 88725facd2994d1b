"""Field errors are tied to their fields (templates/_macros/forms.html): a field that failed
says ``aria-invalid="true"`` and its ``aria-describedby`` names the error text (and the help
text when there is one), so a screen reader reads them with the field."""
from __future__ import annotations

import re

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired


def _input(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no input #{field_id}"
    return match.group(0)


def _text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(.*?)</div>\s*(?:</div>)?', html, re.S)
    assert match, f"no #{element_id}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def test_password_form_ties_each_error_to_its_field(client, create_user, login, get_csrf):
    login(client, create_user("zhang", password="correct-horse"))
    response = client.post("/account/password", data={
        "csrf_token": get_csrf(client, "/account/password"),
        "current_password": "correct-horse", "new_password": "battery-staple",
        "confirm": "battery-stable"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    confirm = _input(html, "confirm")
    assert 'aria-invalid="true"' in confirm
    assert 'aria-describedby="confirm-error"' in confirm
    assert "两次输入的密码不一致" in _text_of(html, "confirm-error")
    # the fields that passed are not marked
    new_password = _input(html, "new_password")
    assert "aria-invalid" not in new_password and "aria-describedby" not in new_password


class _NoteForm(FlaskForm):
    note = StringField("备注", validators=[DataRequired(message="请填写备注。")])


def test_help_and_error_are_both_named_and_a_valid_field_keeps_only_its_help(app):
    template = ("{% from '_macros/forms.html' import field %}"
                "{{ field(form.note, help='最多 100 字。') }}")
    with app.test_request_context("/", method="POST", data={}):
        form = _NoteForm(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(template, form=form)
    note = _input(html, "note")
    assert 'aria-invalid="true"' in note
    assert 'aria-describedby="note-help note-error"' in note
    assert _text_of(html, "note-help") == "最多 100 字。"
    assert _text_of(html, "note-error") == "请填写备注。"

    with app.test_request_context("/", method="POST", data={"note": "好"}):
        form = _NoteForm(meta={"csrf": False})
        assert form.validate()
        html = render_template_string(template, form=form)
    note = _input(html, "note")
    assert "aria-invalid" not in note
    assert 'aria-describedby="note-help"' in note
