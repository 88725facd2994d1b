"""Who may see and do what with announcements (公告, SPEC §3): publishing rights, reading,
confirmation lists, reminders and exports; and ``announcement_view``, what one person sees
of one announcement, which the page, the API, notifications and the search all read.

Visibility (``can_view_announcement`` for one item, ``visible_announcements_query`` for
many):

* **Its audience** may read an announcement once it is published (``publish_at <= now``),
  never before.  A person is in the audience when a rule of the announcement's audience
  matches them *now*: ``all``; ``department`` D when their current department is D or
  below D; ``role`` R when they hold the org role R (``gm_office``, ``hr``, ``admin``) or
  the derived role (``department_head``: heads a department; ``manager``: has active
  direct reports).  An expired announcement (``expires_at <= now``) leaves the feed but
  stays readable for its audience in the archive.
* **Its author** may read it at any time, published or not.
* **The GM office** (role ``gm_office``) may read every announcement at any time.
* Nobody else, and no inactive account.  Anything else is a 404.

Confirmation lists (``can_view_confirmations``, ``confirmation_scope``): the GM office and
the author see the whole audience but the author (``asks_to_confirm``: the publisher is never
asked to confirm their own announcement, so they are in nobody's list, count or reminder —
neither confirmed nor 未确认); a department head sees the audience members in the
departments they head and below, for a published announcement; nobody else.  A head who is
not in the audience (an announcement to a sub-department only) sees the list with the
announcement's number and title, never its text: that is not "reading" it, and the search
index must not count it as readable for them.  Reminders and the export follow the list.

What a reader sees of an announcement (``announcement_view``): everything a published
announcement says, for its readers; whether and when *they* confirmed, and what changed
since the version they confirmed, only for a reader who is asked to confirm; the
confirmation list's link for who may open that list; the edit link for who may manage it.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from markupsafe import Markup, escape
from sqlalchemy import Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased

from hub.announcements.models import (
    AUDIENCE_ROLES,
    KINDS,
    Announcement,
    AnnouncementAudience,
    AnnouncementConfirmation,
    AnnouncementVersion,
)
from hub.common.access import ItemView
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import ROLES, Department, User, UserRole
from hub.org.permissions import is_gm_office, is_hr
from hub.org.services import department_path, heads_of

#: What HR may publish on its own (to anyone).
HR_KINDS = ("policy", "notice")


@dataclass(frozen=True)
class Audience:
    """Whom an announcement is for: the whole company, or departments (with their
    sub-departments) and/or roles."""

    everyone: bool = False
    department_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.department_ids or self.roles)


def audience_of(announcement: Announcement) -> Audience:
    rules = announcement.audience
    return Audience(
        everyone=any(r.kind == "all" for r in rules),
        department_ids=tuple(r.department_id for r in rules if r.kind == "department"),
        roles=tuple(r.role for r in rules if r.kind == "role"),
    )


# --- who somebody is, for the audience rules ------------------------------------------------

def headed_subtree(user: User) -> Select:
    """SQL: the ids of the departments ``user`` heads and everything below them (one
    recursive query; UNION stops at a loop)."""
    tree = (select(Department.id).where(Department.head_id == user.id)
            .cte("headed_subtree", recursive=True))
    below = aliased(Department)
    tree = tree.union(select(below.id).where(below.parent_id == tree.c.id))
    return select(tree.c.id)


def headed_subtree_ids(user: User) -> set[int]:
    """The departments ``user`` heads and everything below them."""
    return set(db.session.scalars(headed_subtree(user)))


def _has_reports(user: User) -> bool:
    return db.session.scalar(select(exists().where(
        User.manager_id == user.id, User.active.is_(True)))) or False


def audience_roles_of(user: User) -> set[str]:
    """The roles of ``user`` that an audience can name, derived ones included."""
    roles = set(user.roles) & set(AUDIENCE_ROLES)
    if heads_of(user):
        roles.add("department_head")
    if _has_reports(user):
        roles.add("manager")
    return roles


def _department_line_ids(user: User) -> list[int]:
    return [d.id for d in department_path(user.department)] if user.department else []


# --- publishing rights -----------------------------------------------------------------------

def publishable_kinds(user: User) -> list[str]:
    """The kinds ``user`` may publish to at least some audience."""
    if not user.is_authenticated or not user.active:
        return []
    if is_gm_office(user) or heads_of(user):
        return list(KINDS)
    if is_hr(user):
        return list(HR_KINDS)
    return []


def can_publish(user: User, kind: str, audience: Audience) -> bool:
    """The GM office to anyone; HR to anyone for ``policy`` and ``notice``; a department
    head to departments in the subtree they head (any kind); nobody else."""
    if not user.is_authenticated or not user.active or kind not in KINDS or audience.empty:
        return False
    if is_gm_office(user):
        return True
    if is_hr(user) and kind in HR_KINDS:
        return True
    if audience.everyone or audience.roles or not audience.department_ids:
        return False
    return set(audience.department_ids) <= headed_subtree_ids(user)


def publishable_department_ids(user: User) -> set[int] | None:
    """The departments ``user`` may address (None: any)."""
    if is_gm_office(user) or is_hr(user):
        return None
    return headed_subtree_ids(user)


def preselected_department_ids(user: User) -> list[int]:
    """The audience a new announcement form starts with: when ``user`` may address only the
    subtree of one department they head (a department head who is neither in the GM office
    nor in HR), that department — the one audience they can have; otherwise nothing."""
    if is_gm_office(user) or is_hr(user):
        return []
    headed = heads_of(user)
    allowed = headed_subtree_ids(user)
    tops = [d for d in headed if d.parent_id not in allowed]
    return [tops[0].id] if len(tops) == 1 else []


def can_manage(user: User, announcement: Announcement) -> bool:
    """The author and the GM office: they see drafts and scheduled ones, and may edit."""
    return user.is_authenticated and user.active and (
        announcement.author_id == user.id or is_gm_office(user))


# --- who may read what ----------------------------------------------------------------------

def in_audience(user: User, announcement: Announcement) -> bool:
    """Whether ``user`` is in the audience now (the Python form of ``_addressed_to``)."""
    if not user.is_authenticated or not user.active:
        return False
    audience = audience_of(announcement)
    if audience.everyone:
        return True
    if set(audience.department_ids) & set(_department_line_ids(user)):
        return True
    return bool(set(audience.roles) & audience_roles_of(user))


def asks_to_confirm(user: User, announcement: Announcement) -> bool:
    """Whether ``user`` is asked to confirm ``announcement`` (published or not yet): its
    audience, but never its author."""
    return (announcement.requires_confirmation and user.is_authenticated
            and user.id != announcement.author_id and in_audience(user, announcement))


def is_published(announcement: Announcement, now: datetime | None = None) -> bool:
    return announcement.publish_at <= (now or utcnow())


def is_expired(announcement: Announcement, now: datetime | None = None) -> bool:
    return announcement.expires_at is not None and announcement.expires_at <= (now or utcnow())


def is_pinned(announcement: Announcement, now: datetime | None = None) -> bool:
    return announcement.pinned and (announcement.pinned_until is None
                                    or announcement.pinned_until > (now or utcnow()))


def can_view_announcement(user: User, announcement: Announcement,
                          now: datetime | None = None) -> bool:
    """See the module docstring: the audience once published, the author, the GM office."""
    if not user.is_authenticated or not user.active:
        return False
    if can_manage(user, announcement):
        return True
    return is_published(announcement, now) and in_audience(user, announcement)


def _department_line(user: User):
    """SQL: the ids of ``user``'s department and every department above it (a recursive
    query, so the feed needs no look-up of the tree first; UNION stops at a loop)."""
    line = (select(Department.id, Department.parent_id)
            .where(Department.id == user.department_id).cte("department_line", recursive=True))
    above = aliased(Department)
    line = line.union(select(above.id, above.parent_id).where(above.id == line.c.parent_id))
    return select(line.c.id)


def addressed_to(user: User):
    """SQL: the announcements whose audience includes ``user`` now (the query form of
    ``in_audience``).  Only the user's own roles are read from memory (loaded with the
    user); department heads, managers and the department line are part of the query."""
    org_roles = sorted(set(user.roles) & set(AUDIENCE_ROLES))
    role = AnnouncementAudience.kind == "role"
    rules = [
        AnnouncementAudience.kind == "all",
        and_(AnnouncementAudience.kind == "department",
             AnnouncementAudience.department_id.in_(_department_line(user))),
        and_(role, AnnouncementAudience.role == "department_head",
             exists().where(Department.head_id == user.id)),
        and_(role, AnnouncementAudience.role == "manager",
             exists().where(User.manager_id == user.id, User.active.is_(True))),
    ]
    if org_roles:
        rules.append(and_(role, AnnouncementAudience.role.in_(org_roles)))
    return Announcement.id.in_(select(AnnouncementAudience.announcement_id).where(or_(*rules)))


def visible_announcements_query(user: User, *, include_expired: bool = False,
                                now: datetime | None = None) -> Select:
    """The feed of ``user`` as one query: published announcements addressed to them (the
    archive, ``include_expired``, keeps the expired ones).  The author's and the GM office's
    unpublished ones are in ``managed_announcements_query`` instead."""
    stmt = select(Announcement)
    if not user.is_authenticated or not user.active:
        return stmt.where(false())
    now = utcnow() if now is None else now
    stmt = stmt.where(Announcement.publish_at <= now, addressed_to(user))
    if not include_expired:
        stmt = stmt.where(or_(Announcement.expires_at.is_(None), Announcement.expires_at > now))
    return stmt


def manages_every_announcement(user: User) -> bool:
    """The GM office manages every announcement (its list is 全部公告, not 我发布的)."""
    return user.is_authenticated and user.active and is_gm_office(user)


def managed_announcements_query(user: User) -> Select:
    """What ``user`` published (everything for the GM office), scheduled ones included."""
    stmt = select(Announcement)
    if not user.is_authenticated or not user.active:
        return stmt.where(false())
    if manages_every_announcement(user):
        return stmt
    return stmt.where(Announcement.author_id == user.id)


def followed_up_query(user: User, now: datetime | None = None) -> Select:
    """For a department head: published announcements to be confirmed that are addressed
    to the whole company, to a department they head (or below it) or to one above it —
    the ones whose confirmation list for their departments they follow up."""
    headed = headed_subtree_ids(user)
    if not headed:
        return select(Announcement).where(false())
    above: set[int] = set()
    for dept in heads_of(user):
        above.update(d.id for d in department_path(dept))
    rules = select(AnnouncementAudience.announcement_id).where(or_(
        AnnouncementAudience.kind == "all",
        and_(AnnouncementAudience.kind == "department",
             AnnouncementAudience.department_id.in_(headed | above))))
    return select(Announcement).where(
        Announcement.requires_confirmation.is_(True),
        Announcement.publish_at <= (now or utcnow()), Announcement.id.in_(rules))


def get_announcement_or_404(announcement_id: int, user: User) -> Announcement:
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or not can_view_announcement(user, announcement):
        abort(404)
    return announcement


def _unconfirmed_by(user: User):
    return ~exists().where(
        AnnouncementConfirmation.announcement_id == Announcement.id,
        AnnouncementConfirmation.version == Announcement.version,
        AnnouncementConfirmation.user_id == user.id)


def unconfirmed_query(user: User, now: datetime | None = None) -> Select:
    """Announcements in ``user``'s feed that ask ``user`` to confirm the current version."""
    return visible_announcements_query(user, now=now).where(
        Announcement.requires_confirmation.is_(True), Announcement.author_id != user.id,
        _unconfirmed_by(user))


def unconfirmed_count(user: User) -> int:
    stmt = unconfirmed_query(user).with_only_columns(func.count(Announcement.id))
    return db.session.scalar(stmt) or 0


def first_unconfirmed(user: User) -> Announcement | None:
    return db.session.scalar(unconfirmed_query(user).order_by(
        Announcement.publish_at, Announcement.id).limit(1))


# --- the audience as people ------------------------------------------------------------------

def _subtrees(department_ids) -> Select:
    """SQL: the ids of these departments and of everything below them, as
    ``department_subtree`` walks them, in the statement itself (one recursive query nested
    where it is used, so that many audiences fit in one statement; UNION stops at a loop)."""
    tree = (select(Department.id).where(Department.id.in_(sorted(set(department_ids))))
            .cte("audience_subtree", recursive=True, nesting=True))
    below = aliased(Department)
    tree = tree.union(select(below.id).where(below.parent_id == tree.c.id))
    return select(tree.c.id)


def _audience_clause(audience: Audience):
    """SQL on ``User``: the people an audience names now."""
    if audience.everyone:
        return true()
    rules = []
    if audience.department_ids:
        rules.append(User.department_id.in_(_subtrees(audience.department_ids)))
    for role in audience.roles:
        if role in ROLES:
            rules.append(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
        elif role == "department_head":
            rules.append(User.id.in_(select(Department.head_id).where(
                Department.head_id.is_not(None))))
        elif role == "manager":
            report = aliased(User)
            rules.append(User.id.in_(select(report.manager_id).where(
                report.manager_id.is_not(None), report.active.is_(True))))
    return or_(*rules) if rules else false()


def audience_members(announcement: Announcement) -> Select:
    """The active people in the audience now."""
    return select(User).where(User.active.is_(True),
                              _audience_clause(audience_of(announcement)))


def confirming_members(announcement: Announcement) -> Select:
    """The active people asked to confirm: the audience now, but the author."""
    return audience_members(announcement).where(User.id != announcement.author_id)


def confirmation_scope(user: User, announcement: Announcement) -> Select:
    """The people whose confirmations ``user`` may see: everyone asked to confirm
    (``confirming_members``) for the GM office and the author; for a department head, those
    within the departments they head (and below); nobody for anybody else."""
    members = confirming_members(announcement)
    if not user.is_authenticated or not user.active or not announcement.requires_confirmation:
        return members.where(false())
    if can_manage(user, announcement):
        return members
    if not is_published(announcement):
        return members.where(false())
    return members.where(User.department_id.in_(headed_subtree(user)))


def can_view_confirmations(user: User, announcement: Announcement) -> bool:
    if not can_view_announcement(user, announcement) and not heads_of(user):
        return False
    if not announcement.requires_confirmation:
        return False
    if can_manage(user, announcement):
        return True
    return bool(db.session.scalar(select(confirmation_scope(user, announcement).exists())))


def get_confirmable_or_404(announcement_id: int, user: User) -> Announcement:
    """An announcement whose confirmation list ``user`` may see (a department head may see
    the list of an announcement to their department without being in its audience)."""
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or not can_view_confirmations(user, announcement):
        abort(404)
    return announcement


# --- what one person sees of one announcement ---------------------------------------------

def confirmation_of(user: User, announcement: Announcement,
                    version: int | None = None) -> AnnouncementConfirmation | None:
    return db.session.scalar(select(AnnouncementConfirmation).where(
        AnnouncementConfirmation.announcement_id == announcement.id,
        AnnouncementConfirmation.version == (version or announcement.version),
        AnnouncementConfirmation.user_id == user.id))


def last_confirmed_version(user: User, announcement: Announcement) -> int | None:
    return db.session.scalar(select(func.max(AnnouncementConfirmation.version)).where(
        AnnouncementConfirmation.announcement_id == announcement.id,
        AnnouncementConfirmation.user_id == user.id))


def version_of(announcement: Announcement, version: int) -> AnnouncementVersion | None:
    return next((v for v in announcement.versions if v.version == version), None)


def text_diff(old: str, new: str) -> Markup:
    """A line diff of two texts as HTML: removed lines in ``<del>``, added lines in
    ``<ins>``, unchanged lines plain; every line escaped."""
    out = ['<div class="announcement-diff" data-testid="diff">']
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [f'<div class="diff-same">{escape(line) or "&nbsp;"}</div>'
                    for line in old_lines[i1:i2]]
            continue
        out += [f'<div class="diff-del"><del>{escape(line)}</del></div>'
                for line in old_lines[i1:i2]]
        out += [f'<div class="diff-ins"><ins>{escape(line)}</ins></div>'
                for line in new_lines[j1:j2]]
    out.append("</div>")
    return Markup("".join(out))


@dataclass
class Changes:
    """What changed since the version a person confirmed."""

    since: int
    title_before: str | None  # None: the title did not change
    diff: Markup


def changes_since(announcement: Announcement, version: int) -> Changes | None:
    old = version_of(announcement, version)
    if old is None or version >= announcement.version:
        return None
    return Changes(since=version,
                   title_before=old.title if old.title != announcement.title else None,
                   diff=text_diff(old.body, announcement.body))


#: What every reader sees of an announcement (the API's names; the page marks them with
#: ``data-field``).
ANNOUNCEMENT_FIELDS = frozenset({
    "id", "number", "title", "kind", "kind_label", "author", "audience",
    "requires_confirmation", "version", "publish_at", "expires_at", "pinned", "pinned_until",
    "pinned_now", "published", "expired", "body", "body_html", "attachments", "in_audience",
    "can_view_confirmations", "event_at", "urgent_reason",
})
#: What only a reader asked to confirm it sees: their own confirmation and what changed
#: since the version they confirmed.
CONFIRMING_FIELDS = frozenset({"confirmed_by_me", "confirmed_at", "changes"})


def announcement_view(user: User, announcement: Announcement,
                      now: datetime | None = None) -> ItemView:
    """What ``user`` (who may read ``announcement``) sees of it, and may do with it:
    ``confirm`` (asked to and not yet), ``edit`` (manages it), ``confirmations`` (may open
    the confirmation list)."""
    now = now or utcnow()
    published = is_published(announcement, now)
    member = in_audience(user, announcement)
    confirmations = can_view_confirmations(user, announcement)
    fields = set(ANNOUNCEMENT_FIELDS)
    values: dict = {"published": published, "expired": is_expired(announcement, now),
                    "pinned_now": is_pinned(announcement, now), "in_audience": member,
                    "can_view_confirmations": confirmations}
    actions = []
    if member and asks_to_confirm(user, announcement):
        fields |= CONFIRMING_FIELDS
        mine = confirmation_of(user, announcement)
        values["confirmed_by_me"] = mine is not None
        values["confirmed_at"] = mine.confirmed_at if mine else None
        changes = None
        if mine is None:
            earlier = last_confirmed_version(user, announcement)
            changes = changes_since(announcement, earlier) if earlier else None
            if published:
                actions.append("confirm")
        values["changes"] = changes
    if can_manage(user, announcement):
        actions.append("edit")
    if confirmations:
        actions.append("confirmations")
    return ItemView(announcement, fields, actions=actions, **values)


# --- what is waiting for one person (the workbench) --------------------------------------

def todo_for(user: User, now: datetime | None = None) -> list[Select]:
    """The announcements ``user`` has still to confirm (``hub.common.todo`` rows)."""
    from hub.common.todo import todo_select

    if not user.is_authenticated or not user.active:
        return []
    pending = unconfirmed_query(user, now).subquery()
    return [todo_select("announcement_confirm", pending.c.id, title=pending.c.title)]
