"""The yardstick of ``bench/page_bench.py``: a bare Flask + Flask-SQLAlchemy + Jinja page
listing 50 rows of a 2 000-row table, nothing else (no sign-in, no CSRF, no translations,
no security headers).  Served by gunicorn exactly like the hub:

    BARE_DATABASE=/tmp/bare.sqlite3 .venv/bin/gunicorn --workers 2 bench.bare_app:app

The database is made on the first start when it does not exist.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from flask import Flask, render_template
from jinja2 import DictLoader
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><nav><a href="/">首页</a> <a href="/items">列表</a></nav></header>
<main><h1>{{ title }}</h1>
<table><thead><tr><th>编号</th><th>主题</th><th>状态</th><th>时间</th></tr></thead><tbody>
{% for item in items %}
<tr><td>{{ item.number }}</td><td><a href="/items/{{ item.id }}">{{ item.subject }}</a></td>
<td>{{ item.status }}</td><td>{{ item.created_at.strftime("%Y-%m-%d %H:%M") }}</td></tr>
{% endfor %}
</tbody></table></main></body></html>
"""

db = SQLAlchemy()


class Item(db.Model):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)


def create_app(path: str) -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"items.html": PAGE})  # compiled once, cached by Jinja
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    db.init_app(app)
    if not os.path.exists(path):
        with app.app_context():
            db.create_all()
            start = datetime(2026, 1, 1, 8, 0)
            db.session.add_all(
                Item(number=f"XX-2026-{n:05d}", subject=f"第 {n} 条：食堂排队时间太长的建议",
                     body="内容" * 50, status=("submitted", "accepted", "answered")[n % 3],
                     created_at=start + timedelta(minutes=37 * n))
                for n in range(1, 2001))
            db.session.commit()

    @app.route("/items")
    def items():
        rows = db.session.scalars(select(Item).order_by(Item.id.desc()).limit(50)).all()
        return render_template("items.html", title="列表", items=rows)

    return app


app = create_app(os.environ.get("BARE_DATABASE", "/tmp/hub-bare.sqlite3"))
