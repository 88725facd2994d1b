"""Tables of the organisation.

``users.manager_id`` is the current direct manager; ``reporting_lines`` keeps every
period of every reporting line so that history (who was whose manager when a talk was
owed) survives reorganisations.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from hub.common.pinyin import name_keys
from hub.common.time import utcnow
from hub.extensions import db

ROLES = ("admin", "gm_office", "hr")


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_departments_parent_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, name="fk_departments_head_id_users")
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    parent: Mapped[Department | None] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list[Department]] = relationship(
        back_populates="parent", order_by="(Department.sort_order, Department.id)"
    )
    head: Mapped[User | None] = relationship(foreign_keys=[head_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Department {self.id} {self.name}>"


def name_keys_text(name: str | None) -> str:
    """The ``users.name_keys`` value of a name: its pinyin keys between spaces, so a key
    is matched from its start (``LIKE '% hl%'``)."""
    text = " " + " ".join(name_keys(name or "")) + " "
    return text if len(text) <= 255 else text[:text.rindex(" ", 0, 255) + 1]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    employee_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    #: " helei hl " — the name's pinyin keys, kept with the name (``_name_changed``), so
    #: the directory finds 何磊 by ``helei`` or ``hl`` in SQL
    name_keys: Mapped[str] = mapped_column(String(255), default="", server_default="")
    title: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: 试用期满（转正）日期, a company-local date HR keeps: the manager owes a 转正面谈
    #: by then (``hub.meetings.obligations.open_probation_talks``).
    probation_ends_on: Mapped[date | None] = mapped_column(Date)

    department: Mapped[Department] = relationship(foreign_keys=[department_id])
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    unit_memberships: Mapped[list[UnitMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("name")
    def _name_changed(self, _key: str, name: str) -> str:
        self.name_keys = name_keys_text(name)
        return name

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint("role IN ('admin', 'gm_office', 'hr')", name="known_role"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class HandlingUnit(db.Model):
    """A group that handles routed items (HR, 安全环保部, 客服部, 总经办 …)."""

    __tablename__ = "handling_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    department: Mapped[Department | None] = relationship()
    memberships: Mapped[list[UnitMembership]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitMembership(db.Model):
    __tablename__ = "unit_memberships"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("handling_units.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    is_head: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[HandlingUnit] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="unit_memberships")


class ReportingLine(db.Model):
    """One period during which ``user`` reported to ``manager`` (None: to nobody)."""

    __tablename__ = "reporting_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    valid_from: Mapped[datetime] = mapped_column(DateTime)
    valid_to: Mapped[datetime | None] = mapped_column(DateTime)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
