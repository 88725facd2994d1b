"""Who may do what with the organisation. Pages, API, lists and search ask these."""
from __future__ import annotations

from hub.org.models import Department, User


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.has_role("admin")


def is_gm_office(user: User) -> bool:
    return user.is_authenticated and user.has_role("gm_office")


def is_hr(user: User) -> bool:
    return user.is_authenticated and user.has_role("hr")


def can_manage_org(user: User) -> bool:
    """Users, departments, roles, imports: the admin only."""
    return is_admin(user)


def heads_department(user: User, dept: Department) -> bool:
    """True when ``user`` heads ``dept`` or one of the departments above it."""
    seen: set[int] = set()
    current: Department | None = dept
    while current is not None and current.id not in seen:
        if current.head_id == user.id:
            return True
        seen.add(current.id)
        current = current.parent
    return False


def sees_former_staff(viewer: User) -> bool:
    """People who have left are visible to the admin only (the directory's filter for them
    is the admin's only, too)."""
    return is_admin(viewer)


def can_view_person(viewer: User, person: User) -> bool:
    """The people directory is open to every signed-in employee; people who have left are
    visible to the admin only."""
    return viewer.is_authenticated and (person.active or sees_former_staff(viewer))


def can_view_probation(viewer: User, person: User) -> bool:
    """A person's probation end date (试用期满日期): HR and the admin keep it; the person and
    their direct manager (who owes the 转正面谈) may read it; nobody else."""
    if not viewer.is_authenticated:
        return False
    return is_hr(viewer) or is_admin(viewer) or viewer.id in (person.id, person.manager_id)
