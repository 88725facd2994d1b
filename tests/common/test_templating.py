"""The templates' translations and dates read the request's locale once
(``hub.common.templating``) and still follow every change of it within the request:
``force_locale`` (e-mails and notifications in the reader's language) and back."""
from __future__ import annotations

from datetime import datetime

from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = "{{ _('总经理信箱') }}|{{ _('共 %(n)s 条', n=3) }}|{{ _('100%%') }}|{{ when|localtime }}"


def test_translations_follow_force_locale_within_a_request(app):
    when = datetime(2026, 3, 14, 2, 5)  # naive UTC: 10:05 in Shanghai
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        chinese = render_template_string(TEMPLATE, when=when)
        with force_locale("en"):
            english = render_template_string(TEMPLATE, when=when)
        again = render_template_string(TEMPLATE, when=when)
    assert chinese == again == "总经理信箱|共 3 条|100%|2026-03-14 10:05"
    assert english == "GM mailbox|Entries: 3|100%|2026-03-14 10:05"
    assert render_template_string("{{ none|localtime }}", none=None) == ""
