"""The kinds of talk (API.md): routine cadences of the policy and the occasions a manager owes.

Shared by the cadence engine, meetings, talk logs, the API and the search index.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: 例行沟通: the policy's cadences.
ROUTINE_KINDS = ("one_on_one", "skip_level", "cross_team", "performance")
#: 面谈: occasions a manager owes a talk for.
OCCASION_KINDS = ("onboarding", "probation", "underperformance", "attitude", "commendation",
                  "family")
TALK_KINDS = ROUTINE_KINDS + OCCASION_KINDS

KIND_LABELS = {
    "one_on_one": _l("上下级沟通"),
    "skip_level": _l("隔级沟通"),
    "cross_team": _l("协作岗位沟通"),
    "performance": _l("绩效沟通"),
    "onboarding": _l("入职面谈"),
    "probation": _l("转正面谈"),
    "underperformance": _l("绩效不佳面谈"),
    "attitude": _l("工作态度面谈"),
    "commendation": _l("表现突出面谈"),
    "family": _l("家庭变故面谈"),
}
