"""The people directory (通讯录): one search used by the pages and the API."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from hub.common.pinyin import KEY_RE
from hub.extensions import db
from hub.org.models import Department, User
from hub.org.permissions import is_admin
from hub.org.services import department_subtree


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_people(viewer: User, q: str = "", department: Department | None = None,
                  include_sub: bool = True, page: int = 1, per_page: int = 50,
                  include_inactive: bool = False, options: Iterable = ()) -> Page:
    """People matching ``q`` (name, its pinyin or initials, username, title, 工号,
    e-mail), optionally within a department (and its sub-departments).  People who have
    left are shown to admins only, and only when asked for.  ``options``: loader options
    for what the caller shows of each person besides the row
    (``selectinload(User.manager)``), so that a page costs the same statements whatever
    its length."""
    page = max(1, page)
    per_page = max(1, min(per_page, 100))
    stmt = select(User)
    if not (include_inactive and is_admin(viewer)):
        stmt = stmt.where(User.active.is_(True))
    q = (q or "").strip()[:100]
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        typed = q.lower().replace(" ", "")
        by_pinyin = ([User.name_keys.like(f"% {typed}%")] if KEY_RE.match(typed) else [])
        stmt = stmt.where(or_(
            *by_pinyin,  # helei, hl, hel: 何磊 (from the start of a key)
            func.lower(User.name).like(pattern, escape="\\"),
            func.lower(User.username).like(pattern, escape="\\"),
            func.lower(User.title).like(pattern, escape="\\"),
            func.lower(User.employee_no).like(pattern, escape="\\"),
            func.lower(User.email).like(pattern, escape="\\"),
        ))
    if department is not None:
        ids = [d.id for d in department_subtree(department)] if include_sub else [department.id]
        stmt = stmt.where(User.department_id.in_(ids))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(
        stmt.order_by(User.department_id, User.name, User.id)
        .limit(per_page).offset((page - 1) * per_page)
        .options(*options)
    ))
    return Page(items=items, total=total, page=page, per_page=per_page)
