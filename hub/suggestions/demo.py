"""Demo reports for the suggestion / complaint / whistle-blowing inbox: three months of the
demo company's reports of every kind, in every state.

Every report goes through the inbox's own services, dated in the past (``now=``/``at=``), so
numbers, routing, history, deadlines, rectifications, rewards, the audit log and the
escalations are what real use would have left behind.  Times are relative to today, so the
demo always looks current.  Anonymous reports are filed as anonymous reports are: the filer
named below is forgotten at once (their receipt codes are thrown away here, never printed
or stored), and their follow-up messages are dated to the day.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from hub.common.time import company_tz, utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.models import User
from hub.suggestions import services as sv
from hub.suggestions.models import Report


@dataclass(frozen=True)
class Step:
    day: int  # days after the filing day, always before today (a test checks)
    action: str
    actor: str  # username; for a message, the filer ("" for an anonymous one)
    text: str = ""
    handler: str | None = None  # assign
    urgency: str | None = None  # set_urgency
    head: str | None = None  # request_rectification: the head of the department asked
    due_in: int = 0  # request_rectification: calendar days to the deadline
    benefit: str = ""  # adopt
    reward: str | None = None  # adopt, in yuan
    reward_note: str = ""  # adopt


def accept(day, actor="hr1", text=""):
    return Step(day, "accept", actor, text)


def assign(day, handler, actor="hr_head", text=""):
    return Step(day, "assign", actor, text, handler=handler)


def urgency(day, level, actor="hr1"):
    return Step(day, "set_urgency", actor, urgency=level)


def rectify(day, head, due_in, text, actor="hr1"):
    return Step(day, "request_rectification", actor, text, head=head, due_in=due_in)


def rectified(day, head, text):
    return Step(day, "rectification_done", head, text)


def adopt(day, reason, benefit, reward, note="年终酌情奖励", actor="hr1"):
    return Step(day, "adopt", actor, reason, benefit=benefit, reward=reward, reward_note=note)


def decline(day, reason, actor="hr1"):
    return Step(day, "decline", actor, reason)


def resolve(day, outcome, actor="hr1"):
    return Step(day, "resolve", actor, outcome)


def answer(day, text, actor="hr1"):
    return Step(day, "answer", actor, text)


def close(day, reason, actor="hr1"):
    return Step(day, "close", actor, reason)


def note(day, text, actor="hr1"):
    return Step(day, "note", actor, text)


def comment(day, actor, text):
    return Step(day, "comment", actor, text)


def reply(day, text, actor="hr1"):
    return Step(day, "reply", actor, text)


def message(day, text, filer=""):
    """The filer's follow-up: signed in (``filer``) or by receipt (anonymous)."""
    return Step(day, "message", filer, text)


@dataclass(frozen=True)
class DemoReport:
    days_ago: int
    filer: str
    kind: str
    subject: str
    body: str
    steps: tuple[Step, ...] = ()
    anonymous: bool = False
    named: tuple[str, ...] = ()


REPORTS = [
    # --- rational suggestions (合理化建议, HR) ----------------------------------------------
    DemoReport(82, "prod1", "suggestion", "车间增设工具定置架",
               "装配线工具随手放，每班找工具要花不少时间。建议每个工位装定置架，"
               "按形状画出工具位置，下班前点检。",
               (accept(1, text="已受理，请生产部先行评估。"),
                comment(2, "prod_head", "本部门支持，建议先在一号装配线试点一个月。"),
                adopt(10, "试点后找工具时间每班减少约 20 分钟，全车间推广。",
                      "每年节约工时约 600 小时", "800"),
                answer(12, "您的建议已采纳并在全车间推广，年终将酌情奖励，感谢您的用心。"),
                close(20, "已实施，推广完成。"))),
    DemoReport(64, "sales2", "suggestion", "客户拜访记录统一模板",
               "每个人的拜访记录格式不同，交接客户时很难看懂。建议统一模板，"
               "必填客户需求、竞品情况和下一步计划。",
               (accept(1),
                assign(2, "hr2", text="请与市场部一起拟订模板。"),
                comment(3, "sales_lead", "华东组愿意先用，模板里请加上回款情况一栏。"),
                adopt(15, "模板已在市场部试用，交接效率明显提高。", "客户交接时间缩短一半", "500",
                      actor="hr2"),
                answer(16, "建议已采纳，统一模板已下发市场部使用。", actor="hr2"))),
    DemoReport(47, "rd2", "suggestion", "测试设备共享预约",
               "示波器和频谱仪各组各自保管，经常闲置又经常抢不到。建议统一管理、在线预约。",
               (accept(1),
                decline(10, "研发部已在采购第二台频谱仪，并由部门内部排班使用，暂不另建预约系统。"))),
    DemoReport(33, "fin1", "suggestion", "报销单电子签批",
               "纸质报销单要逐级找领导签字，出差的领导签不了就要等。建议上线电子签批。",
               (accept(2),
                adopt(12, "与移动端报销一并实施，财务部牵头。", "每张报销单平均少等 3 天",
                      "1000"))),
    DemoReport(21, "prod3", "suggestion", "夜班增加一次工间休息",
               "夜班从 20:00 到次日 8:00，中间只休息一次，后半夜容易疲劳出错。",
               (accept(2),
                decline(8, "夜班已按规定安排两次休息（0:00、4:00），请向班组长确认执行情况。"),
                answer(9, "经核实夜班已安排两次休息，如班组未执行，请再次反映。"),
                close(12, "已答复。")),
               anonymous=True),
    DemoReport(11, "cs2", "suggestion", "客服知识库按季度更新",
               "知识库里不少产品信息已过时，建议每季度由产品经理审核更新一次。",
               (accept(1),
                assign(2, "hr1", text="请联系研发部和客服部确认更新责任人。"),
                message(4, "补充：最近一个月客户问得最多的十个问题，附在知识库反馈区了。", "cs2"),
                reply(5, "收到，已转给客服部经理一并考虑。"))),
    DemoReport(3, "sales4", "suggestion", "华南区增设样品库",
               "华南客户看样品要等总部寄，来回一周。建议在广州办事处放一套常用样品。"),
    # --- complaints (投诉, HR) -----------------------------------------------------------
    DemoReport(52, "prod2", "complaint", "更衣室热水器长期损坏",
               "车间更衣室的热水器坏了一个多月，下班只能用冷水洗，已报修两次。",
               (accept(1),
                urgency(1, "high"),
                assign(1, "hr1"),
                rectify(2, "prod_head", 7, "请一周内修复更衣室热水器，并建立报修回访制度。"),
                rectified(6, "prod_head", "已更换热水器，报修单由班组长每周回访。"),
                resolve(8, "热水器已更换，报修流程已补上回访环节。"),
                answer(9, "更衣室热水器已更换，今后报修会有人回访，感谢反映。"),
                close(15, "已办结。"))),
    DemoReport(26, "sales3", "complaint", "加班审批不公开",
               "组里加班申请谁批了、谁没批从来不公布，感觉不公平。",
               (accept(3),
                reply(4, "请问大约是哪几周的加班？便于我们核实。"),
                message(6, "主要是上个月最后两周的周末加班。"),
                note(7, "内部：核对华东销售组上月考勤和加班审批记录。")),
               anonymous=True),
    DemoReport(12, "rd3", "complaint", "会议室空调噪音大",
               "三楼大会议室空调噪音很大，视频会议时对方经常听不清。"),
    # --- important issues (重要问题反馈, HR) ---------------------------------------------
    DemoReport(29, "it1", "issue", "机房空调老化",
               "机房两台空调已运行 9 年，上周一台停机两小时，机房温度升到 35℃。",
               (accept(1),
                urgency(1, "high"),
                assign(2, "hr_head", actor="hr_head"),
                rectify(3, "rd_head", 40, "请评估机房空调更换方案并列入预算。", actor="hr_head"),
                note(4, "内部：已请财务部预留预算。", actor="hr_head"))),
    # --- safety hazards (安全隐患, 安全环保部) ---------------------------------------------
    DemoReport(41, "prod4", "safety", "二号仓库消防通道堆放杂物",
               "二号仓库东侧消防通道堆着成品托盘，已经一周没清理。",
               (accept(0, "safety1"),
                urgency(0, "urgent", "safety1"),
                rectify(0, "prod_head", 5, "请立即清理消防通道，并划定托盘堆放区。", "safety1"),
                rectified(3, "prod_head", "通道已清理，托盘改放西侧划线区域，班组长每日巡查。"),
                resolve(5, "现场复查合格。", "safety1"),
                answer(6, "消防通道已清理并建立每日巡查，感谢您的负责。", "safety_head"))),
    DemoReport(16, "prod1", "safety", "配电箱门锁损坏",
               "二号车间配电箱门锁损坏，门一拉就开，旁边常有人经过。",
               (accept(1, "safety_head"),
                urgency(1, "high", "safety_head"),
                assign(1, "safety1", actor="safety_head"),
                rectify(2, "prod_head", 4, "请更换配电箱门锁并加贴警示标识。", "safety1"),
                note(9, "整改已超期，已电话催促生产部。", "safety1")),
               anonymous=True),
    DemoReport(2, "cs1", "safety", "办公楼消防栓检查过期",
               "办公楼二层消防栓的检查卡最后一次记录是去年。"),
    # --- customer feedback (客户意见, 客服部) -------------------------------------------------
    DemoReport(36, "sales1", "customer", "客户反映发票邮寄太慢",
               "华东两家客户反映发票开出后一周多才收到，影响他们付款。",
               (accept(1, "cs_head"),
                assign(1, "cs1", actor="cs_head"),
                resolve(5, "已与财务部约定电子发票优先，纸质发票改用次日达快递。", "cs1"),
                answer(6, "已改为电子发票优先，纸质发票次日达，请告知客户。", "cs1"),
                close(10, "已办结。", "cs1"))),
    DemoReport(6, "sales5", "customer", "客户投诉说明书字太小",
               "华南一家客户说产品说明书字太小，老师傅看不清，希望出大字版。",
               # 急: the first response was due 15 minutes later and never came (超期)
               (accept(1, "cs1"), urgency(1, "high", "cs1"))),
    # --- whistle-blowing (举报, HR; anonymous but one) -----------------------------------
    DemoReport(31, "sales1", "whistleblowing", "销售主管虚报差旅费",
               "华东销售组主管三月、五月两次出差的住宿发票金额与实际入住不符，"
               "疑似虚报差旅费。",
               (accept(2),
                urgency(2, "high"),
                note(3, "内部：向财务部调取两次出差的报销单和酒店发票。"),
                reply(5, "已受理。请问能否提供具体的出差日期或同行人员？"),
                message(8, "三月 12 日至 14 日去苏州，五月 20 日至 22 日去杭州。"),
                resolve(20, "经核对酒店记录，两次住宿金额确有虚增，已移交纪律处理程序。")),
               anonymous=True, named=("sales_lead",)),
    DemoReport(57, "prod2", "whistleblowing", "仓库物料出库不登记",
               "仓库夜班经常有物料出库不登记，月底盘点对不上就调账。",
               (accept(1),
                note(2, "内部：请财务部配合抽盘。"),
                resolve(14, "抽盘发现差异属实，已整改出库登记制度并调整夜班安排。"),
                answer(15, "经核实问题属实，已整改出库登记制度，感谢您的举报。"),
                close(22, "已办结。")),
               anonymous=True),
    DemoReport(19, "fin2", "whistleblowing", "供应商付款审批异常",
               "有一家供应商的付款多次绕过正常审批流程，由部门经理直接签字付款。",
               (accept(1, "hr_head", "已受理，将严格保密。"),
                note(2, "内部：实名举报，注意保护举报人，调取该供应商近一年付款记录。",
                     "hr_head")),
               named=("fin_head",)),
    DemoReport(5, "rd1", "whistleblowing", "采购人员收受供应商礼品",
               "听说采购那边有人逢年过节收供应商的购物卡。", anonymous=True),
]


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on ``day``, as stored (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


SIMPLE_STEPS = {
    "accept": sv.accept,
    "decline": sv.decline,
    "resolve": sv.resolve,
    "answer": sv.answer,
    "close": sv.close,
    "note": sv.add_note,
    "comment": sv.add_comment,
    "reply": sv.reply,
}


def _take(report: Report, step: Step, moment: datetime, users: dict[str, User]) -> None:
    if step.action == "message":
        sv.add_filer_message(report, step.text, users.get(step.actor), at=moment)
        return
    actor = users[step.actor]
    if step.action == "assign":
        sv.assign(report, actor, users[step.handler], step.text, at=moment)
    elif step.action == "set_urgency":
        sv.set_urgency(report, actor, step.urgency, at=moment)
    elif step.action == "request_rectification":
        sv.request_rectification(report, actor, department=users[step.head].department,
                                 due_date=local_date(moment) + timedelta(days=step.due_in),
                                 text=step.text, at=moment)
    elif step.action == "rectification_done":
        open_request = next(r for r in report.rectifications if r.status == "requested")
        sv.complete_rectification(open_request, actor, step.text, at=moment)
    elif step.action == "adopt":
        sv.adopt(report, actor, reason=step.text, expected_benefit=step.benefit,
                 reward_amount=step.reward, reward_note=step.reward_note, at=moment)
    else:
        SIMPLE_STEPS[step.action](report, actor, step.text, at=moment)


def create_demo_reports(users: dict[str, User]) -> None:
    """File and handle the demo reports, oldest first so that numbers follow the dates.

    Reports are filed in the morning, steps from 11:00 on, an hour apart, always on an
    earlier day than today, so that all of it lies in the past whatever time it is now."""
    now = utcnow()
    today = local_date(now)
    same_day: Counter[int] = Counter()
    for spec in sorted(REPORTS, key=lambda spec: -spec.days_ago):
        filed_on = today - timedelta(days=spec.days_ago)
        same_day[spec.days_ago] += 1
        filed_at = min(_moment(filed_on, 8 + same_day[spec.days_ago]), now)
        report = sv.file_report(users[spec.filer], kind=spec.kind, subject=spec.subject,
                                body=spec.body, anonymous=spec.anonymous,
                                named_users=[users[name] for name in spec.named],
                                now=filed_at).report  # the receipt code is dropped here
        for number, step in enumerate(spec.steps):
            _take(report, step, _moment(filed_on + timedelta(days=step.day), 11 + number),
                  users)
    # What the background jobs would have done by now: remind about overdue reports and
    # rectifications, and tell the units about the anonymous reports.
    sv.escalate_overdue()
    sv.announce_anonymous_reports()
    db.session.flush()
