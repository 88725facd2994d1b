"""The register's words: kinds of lapse, statuses, steps, and the history's own texts."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "letter_overdue": _l("来信办理超期"),
    "report_overdue": _l("事项处理超期"),
    "rectification_overdue": _l("整改超期"),
    "talk_missed": _l("例行沟通超期未谈"),
    "announcement_unconfirmed": _l("公告督促后仍未确认"),
    "feedback_overdue": _l("信息反馈报告超期"),
}
SOURCE_LABELS = {
    "letter": _l("来信"),
    "report": _l("事项"),
    "rectification": _l("整改"),
    "talk_obligation": _l("例行沟通"),
    "announcement": _l("公告"),
    "feedback": _l("信息反馈报告"),
}
STATUS_LABELS = {
    "open": _l("待处理"),
    "excused": _l("已免责"),
    "penalised": _l("已处罚"),
    "withdrawn": _l("已撤销"),
}
APPEAL_LABELS = {
    "pending": _l("申诉待答复"),
    "upheld": _l("申诉已驳回"),
    "withdrawn": _l("申诉成立，已撤销"),
}
ACTION_LABELS = {
    "open": _l("登记"),
    "excuse": _l("免责"),
    "penalise": _l("处罚"),
    "withdraw": _l("撤销"),
    "appeal": _l("申诉"),
    "uphold": _l("维持原决定"),
}
HISTORY_MESSAGES = {
    "opened": lambda p: _l("登记：%(kind)s", kind=KIND_LABELS.get(p["kind"], p["kind"])),
}
