"""Demo letters for the GM mailbox: three months of the demo company's letters in every state.

Every letter goes through the mailbox's own services, dated in the past (``now=``/``at=``),
so numbers, history, deadlines, notifications and escalations are what real use would have
left behind.  Times are relative to today, so the demo always looks current: some letters
are waiting, some overdue, some long archived.  Anonymous letters are filed as anonymous
letters are: the writer named below is forgotten at once, and their receipt codes are
thrown away here, never printed or stored.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from hub.common.time import company_tz, utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.org.models import User


@dataclass(frozen=True)
class Step:
    day: int  # days after the filing day, always before today (a test checks)
    action: str
    actor: str  # username
    text: str = ""
    head: str | None = None  # assign: the head of the department it goes to
    due_in: int = 0  # assign: calendar days from the step to the due date
    handler: str | None = None  # assign: a named handler in that department


def accept(day, text="", actor="gmo"):
    return Step(day, "accept", actor, text)


def assign(day, head, due_in, handler=None, text="", actor="gmo"):
    return Step(day, "assign", actor, text, head=head, due_in=due_in, handler=handler)


def resolve(day, actor, text):
    return Step(day, "resolve", actor, text)


def answer(day, text, actor="gmo"):
    return Step(day, "answer", actor, text)


def reject(day, text, actor="gmo"):
    return Step(day, "reject", actor, text)


def archive(day, actor="gmo"):
    return Step(day, "archive", actor)


def note(day, actor, text):
    return Step(day, "note", actor, text)


def reply(day, text, actor="gmo"):
    return Step(day, "reply", actor, text)


@dataclass(frozen=True)
class DemoLetter:
    days_ago: int
    author: str
    category: str
    subject: str
    body: str
    steps: tuple[Step, ...] = ()
    anonymous: bool = False
    follow_up: str = ""  # the writer adds this today


LETTERS = [
    # --- archived: the whole way, long ago ----------------------------------------------
    DemoLetter(85, "prod1", "suggestion", "建议车间增加夏季防暑降温设施",
               "三号车间靠近热处理炉，下午室温经常超过 35℃。建议：\n\n"
               "1. 加装工业风扇或冷风机；\n2. 每天下午供应绿豆汤、冷饮；\n"
               "3. 高温时段适当调整作业安排。",
               (accept(1, "已受理，转安全环保部核实。"),
                assign(1, "safety_head", 10, text="请现场测温并提出降温方案。"),
                resolve(7, "safety_head", "已在三号车间加装工业风扇 6 台、冷风机 2 台，"
                        "冷饮供应延长至 9 月底。"),
                answer(9, "感谢您的建议。三号车间已加装风扇和冷风机，防暑饮品供应延长，"
                       "请继续关注现场温度，有问题随时反映。", actor="gm"),
                archive(12))),
    DemoLetter(80, "sales2", "complaint", "差旅报销审批周期过长",
               "上个月提交的差旅报销单至今未到账，询问后得知卡在审批环节。"
               "销售人员出差多、垫付金额大，希望缩短审批周期。",
               (accept(1),
                assign(1, "fin_head", 7, text="请说明报销审批各环节时限。"),
                note(2, "gmo", "财务部近期人手紧张，月底集中审批，需关注。"),
                resolve(6, "fin_head", "已补办该笔报销；审批节点由 4 个压缩为 3 个，"
                        "承诺 5 个工作日内到账。"),
                answer(8, "您反映的报销已于本周到账。财务部已简化审批流程，"
                       "今后报销原则上 5 个工作日内到账。"),
                archive(10))),
    DemoLetter(78, "rd1", "issue", "研发部加班调休长期无法兑现",
               "项目赶工期间加班较多，按制度可以调休，但实际上一直排不开，"
               "累计调休已超过 10 天，希望公司统筹解决。",
               (accept(2),
                assign(2, "hr_head", 10, text="请核对研发部调休台账，提出兑现办法。"),
                resolve(9, "hr_head", "已核对台账；未休调休可在本季度内分批休完，"
                        "确实无法安排的按加班费折算。"),
                answer(11, "经人力资源部核实，累计调休可在本季度内分批安排，"
                       "无法安排的按规定折算加班费。感谢反映。", actor="gm"),
                archive(14)),
               anonymous=True),
    DemoLetter(72, "cs1", "suggestion", "客服工单分类建议细化",
               "目前工单只有“咨询”“投诉”“其他”三类，统计时很难看出问题集中在哪里，"
               "建议按产品线和问题类型两级分类。",
               (accept(1),
                assign(1, "rd_head", 14, handler="rd1", text="请评估工单系统改造工作量。"),
                resolve(12, "rd1", "工单系统已上线两级分类（产品线 / 问题类型），"
                        "历史工单已批量归类。"),
                answer(13, "工单两级分类已上线，感谢您的建议。"),
                archive(15))),
    DemoLetter(70, "fin2", "other", "关于公司年会节目征集的建议",
               "建议今年年会节目提前两个月征集，并给排练留出时间，避免临时拼凑。",
               (accept(1),
                answer(3, "建议很好，总经办已将年会节目征集提前到 10 月，"
                       "排练时间将统一安排。"),
                archive(5))),
    DemoLetter(66, "prod3", "complaint", "夜班食堂供餐时间太短",
               "夜班员工 23:30 下班后食堂已经关门，只能吃泡面。希望夜宵供应到 24:00。",
               (accept(1),
                assign(1, "hr_head", 7, text="请协调食堂承包方。"),
                resolve(6, "hr_head", "已与食堂承包方签订补充协议，夜宵供应延长至 0:30。"),
                answer(7, "食堂夜宵供应已延长至 0:30，感谢反映。"),
                archive(9))),
    DemoLetter(60, "sales4", "issue", "华南区部分客户回款风险较大",
               "华南区有三家客户账期已超过 120 天，且近期订单仍在增加，"
               "存在较大的回款风险，建议公司统一评估授信额度。",
               (accept(1),
                assign(1, "sales_head", 10, text="请评估三家客户的信用情况。"),
                assign(3, "fin_head", 14, text="涉及应收账款管理，改由财务部牵头。"),
                resolve(12, "fin_head", "已下调两家客户的授信额度，一家暂停发货，"
                        "催收工作由财务部与市场部共同跟进。"),
                answer(14, "公司已调整相关客户授信并加强催收，感谢您的风险提示。",
                       actor="gm"),
                archive(16))),
    # --- rejected, with the reason as the answer ----------------------------------------
    DemoLetter(75, "sales3", "other", "希望公司组织员工去三亚旅游",
               "今年业绩不错，希望公司组织一次三亚旅游，犒劳大家。",
               (reject(1, "员工旅游属于工会福利事项，来信已转工会统筹考虑，"
                       "请关注工会通知。"),
                archive(3))),
    DemoLetter(40, "prod2", "complaint", "反映某同事私下议论领导",
               "车间有同事经常私下议论领导，影响团结。",
               (accept(1),
                reject(2, "来信反映的内容属于同事间的个人矛盾，不属于总经理信箱的受理范围；"
                       "如涉及违纪行为，请通过“合理化建议与举报”渠道反映。")),
               anonymous=True),
    DemoLetter(12, "hr2", "other", "询问个人公积金缴存基数",
               "想了解一下我的公积金缴存基数是怎么确定的。",
               (reject(1, "个人公积金问题请直接咨询人力资源部薪酬岗（分机 8021），"
                       "总经理信箱主要受理合理化建议和重要问题。"),)),
    # --- answered ------------------------------------------------------------------------
    DemoLetter(50, "safety1", "issue", "二号仓库消防通道长期被占用",
               "二号仓库东侧消防通道长期堆放成品托盘，多次提醒无效，存在严重消防隐患。",
               (accept(0),
                assign(0, "prod_head", 5, text="请立即清理并建立定点堆放制度。"),
                resolve(3, "prod_head", "通道已清理，托盘改放西侧划线区域，班组长每日巡查。"),
                answer(5, "消防通道已清理完毕并建立每日巡查，感谢您的负责。",
                       actor="gm"))),
    DemoLetter(45, "rd2", "suggestion", "建议统一采购开发用显示器",
               "部分同事用的还是 19 寸旧显示器，影响开发效率，建议统一采购 27 寸显示器。",
               (accept(1),
                assign(2, "fin_head", 15, text="请结合预算评估。"),
                resolve(12, "fin_head", "已列入下季度固定资产采购预算，分两批采购。"),
                answer(14, "显示器采购已列入下季度预算，将分两批到位。"))),
    DemoLetter(35, "cs2", "complaint", "客服部排班不公平",
               "节假日值班总是安排给同几个人，希望排班公开、轮换。",
               (accept(1),
                assign(1, "cs_head", 7, text="请核查近三个月排班记录。"),
                note(2, "gmo", "注意保护来信人，不要在部门会上追问是谁写的信。"),
                resolve(6, "cs_head", "排班表已改为每月初公示，节假日值班按轮换表执行。"),
                answer(8, "客服部已公开排班并实行节假日轮换，感谢反映。")),
               anonymous=True),
    DemoLetter(30, "sales1", "suggestion", "建议开通移动端报销",
               "出差时没法及时报销，建议在手机上提交报销单和上传发票。",
               (accept(1),
                answer(4, "移动端报销已纳入明年信息化计划，上线前会先请销售部门试用。"))),
    DemoLetter(25, "prod4", "issue", "质检设备校准已过期",
               "质检室两台卡尺和一台硬度计的校准证书已过期，检测结果可能不准确。",
               (accept(0),
                assign(0, "prod_head", 3, text="请立即送检。"),
                resolve(2, "prod_head", "设备已送计量所校准，期间借用备用设备。"),
                answer(4, "设备已完成校准，感谢您的细心。"))),
    # --- resolved, waiting for the answer ------------------------------------------------
    DemoLetter(20, "prod1", "suggestion", "车间照明改造为 LED",
               "车间照明还是老式金卤灯，耗电大、亮度低，建议改造为 LED。",
               (accept(1),
                assign(1, "prod_head", 14, text="请测算改造费用和节电效果。"),
                resolve(10, "prod_head", "测算改造费用约 8 万元，年节电约 3 万元，"
                        "建议分车间逐步改造。"))),
    DemoLetter(14, "it1", "issue", "办公楼三层无线网络信号弱",
               "三层东侧会议室和工位无线信号很弱，视频会议经常卡顿。",
               (accept(1),
                assign(1, "rd_head", 10, text="请现场测试并提出方案。"),
                resolve(8, "rd_head", "已新增两台无线接入点，测速正常。"))),
    DemoLetter(9, "sales5", "complaint", "差旅住宿标准偏低",
               "一线城市住宿标准每晚 300 元，很难订到安全的酒店，建议按城市分级调整。",
               (accept(1),
                assign(1, "fin_head", 10, text="请对照同行业标准提出调整意见。"),
                resolve(7, "fin_head", "已拟订按城市分级的住宿标准，待总经理办公会审议。")),
               anonymous=True),
    # --- with a department, past the due date ----------------------------------------------
    DemoLetter(40, "prod2", "issue", "车间废料堆放存在安全隐患",
               "车间后门的废料越堆越多，有易燃的包装材料，离配电箱很近。",
               (accept(1),
                assign(1, "safety_head", 7, text="请尽快排查。"),
                note(5, "safety_head", "已联系废品回收单位，待对方安排车辆。"))),
    DemoLetter(28, "cs1", "suggestion", "建议建立客户投诉快速升级机制",
               "重大客户投诉目前要逐级上报，往往拖两三天，建议设立 24 小时升级通道。",
               (accept(2),
                assign(2, "cs_head", 10, text="请拟订升级机制草案。"))),
    DemoLetter(22, "sales2", "complaint", "销售提成核算有误",
               "上季度提成少算了一笔华东区订单，已向财务反映两次仍未更正。",
               (accept(1),
                assign(1, "fin_head", 5, handler="fin1", text="请核对并更正。"))),
    DemoLetter(55, "rd3", "issue", "测试环境服务器频繁宕机",
               "测试环境服务器每周宕机两三次，测试进度受到严重影响。",
               (accept(2),
                assign(2, "rd_head", 10, text="请排查原因。"),
                assign(15, "rd_head", 30, handler="it1", text="改由网络管理员负责硬件排查。")),
               anonymous=True),
    # --- with a department, in time ----------------------------------------------------------
    DemoLetter(6, "hr1", "suggestion", "新员工入职培训增加产品知识",
               "新员工入职培训以制度为主，建议增加产品知识和车间参观。",
               (accept(1),
                assign(1, "hr_head", 20, text="请结合下一期入职培训安排。"))),
    DemoLetter(5, "prod3", "complaint", "员工宿舍热水供应不稳定",
               "宿舍晚上 9 点后经常没有热水，冬天洗澡很不方便。",
               (accept(0),
                assign(1, "hr_head", 10, text="请协调后勤检修热水器。"))),
    DemoLetter(4, "fin1", "suggestion", "电子发票统一归档",
               "电子发票现在散落在各人邮箱里，建议建立统一的电子发票归档系统，防止重复报销。",
               (accept(1),
                assign(1, "rd_head", 15, handler="rd1", text="请评估开发或采购方案。"))),
    DemoLetter(8, "sales3", "issue", "竞争对手低价冲击华东市场",
               "近期竞争对手在华东以低于成本的价格抢单，已丢失两个老客户，建议公司研究对策。",
               (accept(1),
                assign(2, "sales_head", 14, text="请研究应对方案。"),
                reply(3, "已请市场部研究应对方案，如有客户流失的具体情况请随时补充。"))),
    # --- accepted ---------------------------------------------------------------------------
    DemoLetter(3, "cs2", "other", "建议在食堂门口设立实体意见箱",
               "有些老师傅不习惯用电脑，建议在食堂门口放一个实体意见箱，定期收取。",
               (accept(1),)),
    DemoLetter(2, "prod4", "suggestion", "质检岗位实行轮岗",
               "质检员长期固定在一条产线，容易疲劳和麻痹，建议季度轮岗。",
               (accept(1),)),
    DemoLetter(7, "rd1", "complaint", "会议室预订经常冲突",
               "会议室靠前台登记，经常出现两拨人同时到场的情况。",
               (accept(2),
                note(3, "gmo", "考虑上线会议室预订系统，与研发部沟通后再交办。"))),
    # --- submitted, waiting too long ------------------------------------------------------
    DemoLetter(15, "sales4", "suggestion", "建议加强华南区销售培训",
               "华南区新人较多，产品培训跟不上，建议总部派讲师来广州集中培训一周。"),
    DemoLetter(11, "prod1", "complaint", "班组长分配加班不公",
               "加班机会总是分给跟班组长关系好的人，希望公开加班分配规则。",
               anonymous=True),
    DemoLetter(18, "safety1", "issue", "厂区道路限速标志缺失",
               "厂区东门至仓库道路没有限速标志，叉车和货车车速很快，存在撞人风险。"),
    # --- submitted, just now -------------------------------------------------------------------
    DemoLetter(1, "cs1", "suggestion", "客服话术库需要更新",
               "话术库里很多产品信息已过时，新人照着说会误导客户，建议每季度更新一次。",
               follow_up="补充：附上最近一个月客户问得最多的十个问题，供更新时参考。"),
    DemoLetter(0, "rd2", "other", "建议每月举办技术分享会",
               "各部门之间交流少，建议每月举办一次技术分享会，轮流主讲。"),
    DemoLetter(0, "sales1", "complaint", "部门聚餐费用分摊不透明",
               "部门聚餐费用从团建经费里扣，但从来没有公布过明细。",
               anonymous=True, follow_up="补充：希望以后每次活动后公示费用明细。"),
    DemoLetter(1, "hr2", "suggestion", "考勤系统增加打卡提醒",
               "经常有同事忘记打卡，建议考勤系统在上下班前 5 分钟推送提醒。"),
]

SIMPLE_STEPS = {
    "accept": mb.accept,
    "resolve": mb.resolve,
    "answer": mb.answer,
    "reject": mb.reject,
    "archive": mb.archive,
    "note": mb.add_note,
    "reply": mb.reply,
}


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on ``day``, as stored (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _take(letter, step: Step, moment: datetime, users: dict[str, User]) -> None:
    actor = users[step.actor]
    if step.action == "assign":
        mb.assign(letter, actor, department=users[step.head].department,
                  handler=users[step.handler] if step.handler else None,
                  due_date=local_date(moment) + timedelta(days=step.due_in), text=step.text,
                  at=moment)
    else:
        SIMPLE_STEPS[step.action](letter, actor, step.text, at=moment)


def create_demo_letters(users: dict[str, User]) -> None:
    """File and handle the demo letters, oldest first so that numbers follow the dates.

    Letters are filed in the morning, steps from 11:00 on, an hour apart, and always on an
    earlier day than today, so that all of it lies in the past whatever time it is now."""
    now = utcnow()
    today = local_date(now)
    same_day: Counter[int] = Counter()
    for spec in sorted(LETTERS, key=lambda spec: -spec.days_ago):
        filed_on = today - timedelta(days=spec.days_ago)
        same_day[spec.days_ago] += 1
        morning = _moment(filed_on, 7 + same_day[spec.days_ago], len(spec.subject) * 7 % 60)
        filed_at = min(morning, now)  # today's letters: not before the morning has come
        letter = mb.file_letter(users[spec.author], subject=spec.subject, body=spec.body,
                                category=spec.category, anonymous=spec.anonymous,
                                now=filed_at).letter  # the receipt code is dropped here
        for number, step in enumerate(spec.steps):
            _take(letter, step, _moment(filed_on + timedelta(days=step.day), 11 + number),
                  users)
        if spec.follow_up:
            mb.add_writer_message(letter, spec.follow_up,
                                  None if spec.anonymous else users[spec.author])
    # What the background jobs would have done by now: remind about overdue letters and
    # tell the GM office about the anonymous ones.
    mb.escalate_overdue()
    mb.announce_anonymous_letters()
    db.session.flush()
