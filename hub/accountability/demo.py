"""The demo company's accountability register: what the register's job finds in the demo's
overdue letters, reports and missed talks, as it would on the first run — a few entries
left open, one penalised with the person's appeal answered, one excused.

The entries are opened by the register's own job (quietly: the demo's past tells nobody),
and HR's steps go through the register's services, so the history is what real use leaves.
"""
from __future__ import annotations

from datetime import timedelta

from hub.accountability.services import open_entries, perform
from hub.common.time import utcnow
from hub.extensions import db



def create_demo_accountability(people: dict) -> None:
    now = utcnow()
    hr = people.get("hr_head") or people.get("hr1")
    entries = open_entries(now - timedelta(days=2), tell=False)
    if hr is None or not entries:
        return
    by_kind: dict[str, list] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    decided = [e for e in entries if e.person_id != hr.id]
    talk = next((e for e in by_kind.get("talk_missed", []) if e.person_id != hr.id), None)
    first = talk or (decided[0] if decided else None)
    if first is not None:
        perform(first, hr, "penalise",
                "未按制度在窗口内主动邀请下级沟通，月例会上通报批评，当月考核扣 2 分。",
                now=now - timedelta(days=1, hours=3))
        perform(first, first.person, "appeal",
                "该周在外地参加展会，已于返回后补谈，请予考虑。", now=now - timedelta(days=1))
        perform(first, hr, "uphold", "补谈已计入，但窗口内未提前安排，维持原决定。",
                now=now - timedelta(hours=20))
    second = next((e for e in decided if e is not first and e.kind != "talk_missed"), None)
    if second is not None:
        perform(second, hr, "excuse", "期间系统维护，来信未能及时分派，免予追究。",
                now=now - timedelta(hours=6))
    db.session.flush()
