"""Periods and due dates of the feedback obligations, with the policy's own dates (信息反馈
制度 二).  Pure computations: no database."""
from __future__ import annotations

from datetime import date

import pytest

from hub.feedback.periods import Period, report_dates, summary_dates
from hub.feedback.services import PRESETS_BY_CODE


def dates(code: str, period: Period):
    p = PRESETS_BY_CODE[code]
    return report_dates(period, window_days=p.window_days, due_days=p.due_days,
                        anchor_month=p.anchor_month)


def test_periods_are_calendar_weeks_months_and_quarters():
    """"分为周、月、季度进销售信息反馈" — weeks Monday to Sunday (ISO numbers), calendar
    months and calendar quarters, written 2026-W49, 2026-12, 2026-Q4."""
    week = Period.of("weekly", date(2026, 12, 5))
    assert (week.key, week.start, week.end) == ("2026-W49", date(2026, 11, 30), date(2026, 12, 6))
    assert Period.parse("2026-W49") == week
    assert week.next.key == "2026-W50" and week.previous.key == "2026-W48"
    # the ISO year: 2027-01-01 is a Friday of 2026's week 53
    assert Period.of("weekly", date(2027, 1, 1)).key == "2026-W53"
    month = Period.of("monthly", date(2026, 2, 14))
    assert (month.key, month.end) == ("2026-02", date(2026, 2, 28))
    assert Period.of("monthly", date(2028, 2, 3)).end == date(2028, 2, 29)
    assert month.previous.key == "2026-01" and Period.parse("2026-12").next.key == "2027-01"
    quarter = Period.of("quarterly", date(2026, 11, 20))
    assert (quarter.key, quarter.start, quarter.end) == \
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31))
    assert quarter.next.key == "2027-Q1" and quarter.previous.key == "2026-Q3"


@pytest.mark.parametrize("text", ["", "2026", "2026-13", "2026-W54", "2026-Q5", "1999-01",
                                  "2026-W00", "26-12", "2026-12-01", "２０２６-12"])
def test_nonsense_periods_are_refused(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_customer_visits_are_done_in_the_last_five_days_of_january_april_july_october():
    """《客户回访征询表》"每季度进行一次。定于一月、四月、七月、十月的月末5日内完成。" — the
    window is the last five days of the quarter's first month, due on its last day."""
    expected = {"2026-Q1": (date(2026, 1, 27), date(2026, 1, 31)),
                "2026-Q2": (date(2026, 4, 26), date(2026, 4, 30)),
                "2026-Q3": (date(2026, 7, 27), date(2026, 7, 31)),
                "2026-Q4": (date(2026, 10, 27), date(2026, 10, 31))}
    for key, (opens, due) in expected.items():
        found = dates("customer_visit", Period.parse(key))
        assert (found.opens_on, found.due_on) == (opens, due), key


def test_customer_opinions_are_handed_in_within_the_last_week_of_the_quarter():
    """《顾客意见征询表》"每季度进行一次……并于每季度末前一星期内送交市场部" — from seven
    days before the quarter's end, due on its last day."""
    found = dates("customer_opinion", Period.parse("2026-Q4"))
    assert (found.opens_on, found.due_on) == (date(2026, 12, 25), date(2026, 12, 31))
    found = dates("customer_opinion", Period.parse("2027-Q1"))
    assert (found.opens_on, found.due_on) == (date(2027, 3, 25), date(2027, 3, 31))


def test_sales_feedback_weekly_monthly_quarterly_and_summarised_within_a_week():
    """《销售信息反馈表》"分为周、月、季度进销售信息反馈……市场部在一周内将信息分析汇总，上报主管
    副总经理" — the reps' reports at the end of each period, the summary seven days after."""
    week = dates("sales_weekly", Period.parse("2026-W49"))
    assert (week.opens_on, week.due_on) == (date(2026, 12, 4), date(2026, 12, 7))  # Fri–Mon
    month = dates("sales_monthly", Period.parse("2026-11"))
    assert (month.opens_on, month.due_on) == (date(2026, 11, 28), date(2026, 12, 3))
    quarter = dates("sales_quarterly", Period.parse("2026-Q4"))
    assert (quarter.opens_on, quarter.due_on) == (date(2026, 12, 25), date(2027, 1, 5))
    summary = summary_dates(week, PRESETS_BY_CODE["sales_weekly"].summary_days)
    assert (summary.opens_on, summary.due_on) == (date(2026, 12, 7), date(2026, 12, 14))


def test_customer_service_summarises_each_month():
    """"客户服务主管负责每月投诉和提出意见的客户沟通，做好每月的客户沟通总结" — monthly, by
    the head of 客服部, due five days after the month."""
    preset = PRESETS_BY_CODE["customer_service_monthly"]
    assert (preset.frequency, preset.filers, preset.department) == ("monthly", "head", "客服部")
    found = dates("customer_service_monthly", Period.parse("2026-12"))
    assert (found.opens_on, found.due_on) == (date(2026, 12, 29), date(2027, 1, 5))
