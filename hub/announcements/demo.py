"""Demo announcements: company-wide and departmental ones of the last two months, some to be
confirmed and partly confirmed, one revised after people had confirmed it, one expired and
one scheduled for the coming days.

Everything goes through the announcements' own services, dated in the past (``now=``), so
numbers, versions, confirmations and notifications are what real use leaves behind.  The
one the Done-when of issue 5 names: 市场部's plan is confirmed by ``sales1``, not ``sales2``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from hub.announcements import services as an
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import Department, User


@dataclass(frozen=True)
class DemoAnnouncement:
    days_ago: float  # negative: scheduled in the future
    author: str
    kind: str
    title: str
    body: str
    departments: tuple[str, ...] = ()  # empty with no roles: the whole company
    roles: tuple[str, ...] = ()
    requires_confirmation: bool = False
    pinned_days: int = 0  # pinned for this many days after publishing
    expires_after_days: int = 0
    confirmed_by: tuple[str, ...] = ()  # "*": everybody in the audience …
    not_confirmed_by: tuple[str, ...] = ()  # … except these
    revision: tuple[float, str] | None = None  # (days ago, new body): a new version
    confirmed_again_by: tuple[str, ...] = ()
    event_after_hours: float = 0  # a notice of an interruption: it happens this long after
    urgent_reason: str | None = None


ANNOUNCEMENTS = [
    DemoAnnouncement(
        40, "gm", "order", "关于严格执行《公司内部信息沟通反馈管理制度》的通知",
        "各部门、全体员工：\n\n为保证公司政令畅通、信息反馈及时，现就执行《内部信息沟通反馈管理制度》"
        "要求如下：\n\n1. 各部门负责人须在每月 5 日前组织本部门学习公司下达的政令、决议和计划；\n"
        "2. 员工的合理化建议、投诉和举报，可通过**总经理信箱**或“建议与举报”提交，"
        "公司做到有求必应、有应必解、有解必答；\n3. 本通知须全体员工确认“已阅读并遵守”。\n\n"
        "总经理办公室",
        requires_confirmation=True, pinned_days=60, confirmed_by=("*",),
        not_confirmed_by=("sales2", "prod3", "rd2", "fin2", "cs2")),
    DemoAnnouncement(
        30, "gmo", "resolution", "总经理办公会决议：2026 年度评优方案",
        "经总经理办公会研究决定：\n\n- 设立年度优秀员工 10 名、优秀管理者 3 名；\n"
        "- 合理化建议被采纳并产生效益者，年终酌情奖励；\n- 评选结果于 1 月 15 日前公示。"),
    DemoAnnouncement(
        21, "hr_head", "policy", "考勤管理制度（2026 年修订）",
        "第一条 工作时间为周一至周五 8:30—17:30。\n\n第二条 迟到 15 分钟以内每月不超过 3 次。\n\n"
        "第三条 请假须提前一个工作日在系统中申请。",
        requires_confirmation=True, confirmed_by=("*",),
        not_confirmed_by=("sales3", "sales5", "prod4", "rd3"),
        revision=(6, "第一条 工作时间为周一至周五 8:30—17:30，午休 12:00—13:00。\n\n"
                     "第二条 迟到 15 分钟以内每月不超过 3 次。\n\n"
                     "第三条 请假须提前一个工作日在系统中申请，病假可事后补交证明。"),
        confirmed_again_by=("hr1", "hr2", "gm", "gmo", "sales1", "prod_head")),
    DemoAnnouncement(
        60, "gmo", "notice", "国庆节放假安排",
        "10 月 1 日至 8 日放假调休，共 8 天。9 月 28 日、10 月 11 日上班。",
        expires_after_days=12),
    DemoAnnouncement(
        9, "prod_head", "notice", "车间安全生产检查通知",
        "安全环保部将于下周三对各车间进行安全生产检查，请各班组提前自查：\n\n"
        "- 消防通道畅通；\n- 设备防护罩齐全；\n- 劳保用品按规定佩戴。",
        departments=("生产部",), requires_confirmation=True,
        confirmed_by=("prod1", "prod2")),
    DemoAnnouncement(
        4, "sales_head", "plan", "市场部十二月客户拜访计划",
        "十二月重点客户拜访安排如下：\n\n| 小组 | 重点客户 | 次数 |\n|---|---|---|\n"
        "| 华东销售组 | 上海、杭州经销商 | 每周 1 次 |\n| 华南销售组 | 广州、深圳经销商 | 每两周 1 次 |\n\n"
        "请每周五下班前提交下周拜访计划。",
        departments=("市场部",), requires_confirmation=True,
        confirmed_by=("sales1", "sales_lead", "sales4", "sales_lead2")),
    DemoAnnouncement(
        2, "cs_head", "notice", "客户投诉 24 小时内响应的提醒",
        "根据《客户服务沟通管理规程》，客户投诉须在 24 小时内首次响应，"
        "涉及停机、安全的投诉立即上报部门经理。",
        departments=("客服部",)),
    DemoAnnouncement(
        1.5, "prod_head", "notice", "二号车间周末停电检修通知",
        "因配电柜检修，二号车间将停电 4 小时，请提前做好设备停机和物料保护。",
        departments=("生产部",), event_after_hours=48),
    DemoAnnouncement(
        1, "gmo", "notice", "部门负责人沟通执行情况月报提交要求",
        "请各部门负责人于每月 3 日前在“沟通”模块中核对上月沟通执行情况。",
        roles=("department_head",)),
    DemoAnnouncement(
        -3, "gmo", "notice", "元旦放假安排",
        "1 月 1 日放假 1 天。祝大家新年快乐！"),
]


def create_demo_announcements(people: dict[str, User]) -> None:
    now = utcnow()
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    for item in ANNOUNCEMENTS:
        at = now - timedelta(days=item.days_ago)
        published_at = min(at, now)
        audience = an.Audience(
            everyone=not item.departments and not item.roles,
            department_ids=tuple(departments[name].id for name in item.departments),
            roles=item.roles)
        announcement = an.publish(
            people[item.author], title=item.title, body=item.body, kind=item.kind,
            audience=audience, requires_confirmation=item.requires_confirmation,
            publish_at=at if at > now else None,
            pinned=bool(item.pinned_days),
            pinned_until=at + timedelta(days=item.pinned_days) if item.pinned_days else None,
            expires_at=at + timedelta(days=item.expires_after_days)
            if item.expires_after_days else None,
            event_at=at + timedelta(hours=item.event_after_hours)
            if item.event_after_hours else None,
            urgent_reason=item.urgent_reason, now=published_at)
        if at > now:
            continue
        members = list(db.session.scalars(
            an.confirming_members(announcement).order_by(User.id)))
        if "*" in item.confirmed_by:
            confirming = [p for p in members if p.username not in item.not_confirmed_by]
        else:
            confirming = [p for p in members if p.username in item.confirmed_by]
        for n, person in enumerate(confirming):
            an.confirm(announcement, person,
                       now=at + timedelta(hours=1 + n % 30))
        if item.revision is not None:
            days_ago, body = item.revision
            revised = now - timedelta(days=days_ago)
            an.edit(announcement, people[item.author], title=item.title, body=body,
                    now=revised)
            for n, username in enumerate(item.confirmed_again_by):
                an.confirm(announcement, people[username],
                           now=revised + timedelta(hours=2 + n))
    # What the periodic job would have done by now: reminders, and managers told.
    an.send_reminders(now)
    db.session.flush()
