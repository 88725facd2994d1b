"""Missed routine talks for the accountability register (hub.accountability.sources).

A routine talk (上下级、隔级、协作岗位、绩效沟通) whose window passed without a talk is
the lapse of the superior who owed the invitation ("由上级主动邀请下级").  The obligations
are computed, not stored (``hub.meetings.obligations``): the lapse names the obligation by
its stable key, and looks back as far as the escalation job does.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from hub.accountability.sources import Lapse
from hub.common.workdays import end_of_day_utc, local_date
from hub.meetings.obligations import ESCALATION_LOOKBACK_DAYS, compute_items


def talk_lapses(session, now: datetime) -> Iterator[Lapse]:
    today = local_date(now)
    items = compute_items(today - timedelta(days=ESCALATION_LOOKBACK_DAYS), today,
                          today=today, ending=True)
    for item in items:
        if item.source != "routine" or item.status != "overdue" or item.window_end >= today:
            continue
        yield Lapse(item.senior.id, "talk_missed", "talk_obligation", None, None,
                    end_of_day_utc(item.window_end), source_key=item.key[:120],
                    detail={"talk_kind": item.kind, "junior": item.junior.name,
                            "window_start": item.window_start.isoformat(),
                            "window_end": item.window_end.isoformat()})
