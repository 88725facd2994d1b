"""What the inbox calls its kinds, statuses, urgencies and steps (for pages, the API,
notifications and exports alike)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "suggestion": _l("合理化建议"),
    "complaint": _l("投诉"),
    "whistleblowing": _l("举报"),
    "issue": _l("重要问题反馈"),
    "safety": _l("安全隐患"),
    "customer": _l("客户意见"),
}
STATUS_LABELS = {
    "submitted": _l("已提交"),
    "accepted": _l("已受理"),
    "assigned": _l("处理中"),
    "adopted": _l("已采纳"),
    "declined": _l("不采纳"),
    "resolved": _l("已处理"),
    "answered": _l("已答复"),
    "closed": _l("已关闭"),
}
URGENCY_LABELS = {"urgent": _l("特急"), "high": _l("急"), "normal": _l("一般")}
ACTION_LABELS = {
    "submit": _l("提交"),
    "accept": _l("受理"),
    "assign": _l("指定承办人"),
    "set_urgency": _l("设置紧急程度"),
    "request_rectification": _l("要求整改"),
    "rectification_done": _l("整改完成"),
    "adopt": _l("采纳"),
    "decline": _l("不采纳"),
    "resolve": _l("记录处理结果"),
    "answer": _l("答复"),
    "close": _l("关闭"),
    "exclude": _l("回避"),
    "note": _l("内部备注"),
    "comment": _l("部门意见"),
    "message": _l("提交人留言"),
    "reply": _l("回复提交人"),
    "escalate": _l("超期提醒"),
}
#: Why a report was flagged overdue (the "escalate" step).
OVERDUE_LABELS = {"ack": _l("超过受理期限"), "feedback": _l("超过反馈期限"),
                  "urgency": _l("超过紧急程度时限")}


def _urgency(params: dict) -> str:
    return str(URGENCY_LABELS[params["urgency"]])


def _rectification(params: dict) -> str:
    from flask_babel import gettext as _

    return _("%(department)s，期限 %(due)s：%(text)s", department=params["department"],
             due=params["due"], text=params["text"])


def _excluded(params: dict) -> str:
    from flask_babel import gettext as _

    return _("%(name)s 回避此事项", name=params["name"])


def _overdue(params: dict) -> str:
    from flask_babel import gettext as _

    return _("、").join(str(OVERDUE_LABELS.get(r, r)) for r in params["reasons"])


#: The steps the hub words itself, rendered in the reader's language (hub.common.history).
HISTORY_MESSAGES = {"urgency": _urgency, "rectification_request": _rectification,
                    "excluded": _excluded, "overdue": _overdue}
