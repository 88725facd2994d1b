"""The cadence engine with fixed dates and a reporting line given as data (no database)."""
from __future__ import annotations

from datetime import date

from hub.meetings.cadence import (
    AppraisalDay,
    Held,
    Pair,
    Planned,
    one_on_one_windows,
    owed_cross_team,
    owed_for_junior,
    owed_one_on_one,
    owed_performance,
    owed_skip_level,
    settle,
)

# The demo's line: sales1 → sales_lead → sales_head → gm.
SALES1, SALES_LEAD, SALES_HEAD, GM, NEW_LEAD = 14, 13, 12, 2, 18


def line(changes=None):
    """``manager_on`` of the demo line; ``changes``: user → [(from day, manager)]."""
    base = {SALES1: SALES_LEAD, SALES_LEAD: SALES_HEAD, SALES_HEAD: GM, GM: None,
            NEW_LEAD: SALES_HEAD}
    changes = changes or {}

    def manager_on(user_id, day):
        manager = base.get(user_id)
        for start, new in sorted(changes.get(user_id, [])):
            if day >= start:
                manager = new
        return manager
    return manager_on


def windows(owed):
    return [(o.kind, o.senior_id, o.window_start, o.window_end) for o in owed]


def test_sales1_owes_two_talks_with_sales_lead_in_a_31_day_month():
    owed = owed_one_on_one(SALES1, 2026, 3, line())
    assert windows(owed) == [
        ("one_on_one", SALES_LEAD, date(2026, 3, 13), date(2026, 3, 16)),
        ("one_on_one", SALES_LEAD, date(2026, 3, 29), date(2026, 3, 31)),
    ]
    assert {o.period_start for o in owed} == {date(2026, 3, 1)}
    assert {o.period_end for o in owed} == {date(2026, 3, 31)}


def test_month_of_30_days_ends_on_the_28th_to_30th():
    assert one_on_one_windows(2026, 4) == [("mid", date(2026, 4, 13), date(2026, 4, 16)),
                                           ("end", date(2026, 4, 28), date(2026, 4, 30))]


def test_february_ends_26_to_28_or_27_to_29_in_a_leap_year():
    assert one_on_one_windows(2026, 2)[1][1:] == (date(2026, 2, 26), date(2026, 2, 28))
    assert one_on_one_windows(2028, 2)[1][1:] == (date(2028, 2, 27), date(2028, 2, 29))
    owed = owed_one_on_one(SALES1, 2026, 2, line())
    assert [o.senior_id for o in owed] == [SALES_LEAD, SALES_LEAD]


def test_one_skip_level_talk_per_quarter_with_sales_head():
    for quarter, (start, end) in {1: (date(2026, 1, 1), date(2026, 3, 31)),
                                  4: (date(2026, 10, 1), date(2026, 12, 31))}.items():
        owed = owed_skip_level(SALES1, 2026, quarter, line())
        assert windows(owed) == [("skip_level", SALES_HEAD, start, end)]
    # Every month of the quarter lists the same quarterly talk.
    per_month = [o for m in (1, 2, 3) for o in owed_for_junior(SALES1, 2026, m, line())
                 if o.kind == "skip_level"]
    assert len({o.key for o in per_month}) == 1


def test_nobody_above_owes_nothing_upward():
    assert owed_one_on_one(GM, 2026, 3, line()) == []
    assert owed_skip_level(GM, 2026, 1, line()) == []
    # sales_head reports to the GM, who reports to nobody: no skip-level talk.
    assert owed_skip_level(SALES_HEAD, 2026, 1, line()) == []
    assert [o.senior_id for o in owed_skip_level(SALES_LEAD, 2026, 1, line())] == [GM]


def test_a_manager_change_mid_month_moves_what_is_owed_from_that_day():
    changed = line({SALES1: [(date(2026, 3, 20), NEW_LEAD)]})
    owed = owed_one_on_one(SALES1, 2026, 3, changed)
    # The mid-month window ended before the change: the old manager; the month end: the new.
    assert [(o.slot, o.senior_id) for o in owed] == [("mid", SALES_LEAD), ("end", NEW_LEAD)]
    # A change inside the mid window moves that window too.
    inside = owed_one_on_one(SALES1, 2026, 3, line({SALES1: [(date(2026, 3, 15), NEW_LEAD)]}))
    assert [o.senior_id for o in inside] == [NEW_LEAD, NEW_LEAD]
    # The skip-level superior is whoever it is at the quarter's end.
    moved = line({SALES_LEAD: [(date(2026, 2, 10), GM)]})
    assert [o.senior_id for o in owed_skip_level(SALES1, 2026, 1, moved)] == [GM]


def test_a_new_report_is_owed_only_windows_after_joining():
    joined = line({SALES1: [(date(1900, 1, 1), None), (date(2026, 3, 17), SALES_LEAD)]})
    assert [o.slot for o in owed_one_on_one(SALES1, 2026, 3, joined)] == ["end"]


def test_windows_on_days_off_stay_and_are_marked():
    # 2026-03-14/15 is a weekend; 2026-02-26..28: the 28th is a Saturday.
    def is_working(day):
        return day.weekday() < 5 and day not in {date(2026, 10, 1), date(2026, 10, 2),
                                                    date(2026, 10, 5)}
    mid, end = owed_one_on_one(SALES1, 2026, 3, line(), is_working)
    assert mid.days_off == (date(2026, 3, 14), date(2026, 3, 15))
    assert (mid.window_start, mid.window_end) == (date(2026, 3, 13), date(2026, 3, 16))
    assert not mid.on_days_off
    cross = owed_cross_team([Pair(5, 6, SALES_HEAD, 20)], 2026, 10, is_working)[0]
    assert cross.window_start == date(2026, 10, 1) and cross.window_end == date(2026, 10, 5)
    assert cross.on_days_off  # national day and a weekend: all five days off


def test_cross_team_once_a_month_invited_by_the_leading_head():
    pairs = [Pair(5, 6, SALES_HEAD, 20), Pair(7, 8, None, 21), Pair(9, 10, 22, 22)]
    owed = owed_cross_team(pairs, 2026, 4)
    assert [(o.senior_id, o.junior_id, o.window_start, o.window_end, o.departments)
            for o in owed] == [(SALES_HEAD, 20, date(2026, 4, 1), date(2026, 4, 5), (5, 6))]


def test_performance_talk_within_five_working_days_of_the_appraisal():
    owed = owed_performance(SALES1, [AppraisalDay(3, date(2026, 6, 26))], line())
    assert windows(owed) == [("performance", SALES_LEAD, date(2026, 6, 26), date(2026, 7, 3))]
    assert owed[0].period_end == date(2026, 7, 31)
    assert [o.kind for o in owed_for_junior(SALES1, 2026, 7, line(),
                                            appraisals=[AppraisalDay(3, date(2026, 6, 26))])
            ].count("performance") == 1


def talk(day, kind="one_on_one", pair=(SALES1, SALES_LEAD), talk_id=None):
    return Held(kind, frozenset(pair), day, talk_id)


def statuses(settled):
    return [(s.owed.slot, s.status, s.late) for s in settled]


def test_settle_in_window_late_overdue_due_and_scheduled():
    owed = owed_one_on_one(SALES1, 2026, 3, line())
    assert statuses(settle(owed, [], [], date(2026, 3, 10))) == [
        ("mid", "due", False), ("end", "due", False)]
    assert statuses(settle(owed, [], [], date(2026, 3, 17))) == [
        ("mid", "overdue", False), ("end", "due", False)]
    # Held late on the 20th: counts for the mid-month talk, marked late.
    settled = settle(owed, [talk(date(2026, 3, 20), talk_id=7)], [], date(2026, 3, 21))
    assert statuses(settled) == [("mid", "held", True), ("end", "due", False)]
    assert settled[0].talk_id == 7 and settled[0].held_on == date(2026, 3, 20)
    # Two talks: one in each window.
    both = settle(owed, [talk(date(2026, 3, 30)), talk(date(2026, 3, 14))], [],
                  date(2026, 4, 2))
    assert statuses(both) == [("mid", "held", False), ("end", "held", False)]
    # A talk of another kind, another pair, or another month does not count.
    others = [talk(date(2026, 3, 14), kind="skip_level"),
              talk(date(2026, 3, 14), pair=(SALES1, SALES_HEAD)),
              talk(date(2026, 4, 14))]
    assert statuses(settle(owed, others, [], date(2026, 4, 1))) == [
        ("mid", "overdue", False), ("end", "overdue", False)]
    # A meeting planned for the window.
    plan = Planned("one_on_one", frozenset((SALES1, SALES_LEAD, 99)), date(2026, 3, 15), 4)
    scheduled = settle(owed, [], [plan], date(2026, 3, 12))
    assert statuses(scheduled) == [("mid", "scheduled", False), ("end", "due", False)]
    assert scheduled[0].meeting_id == 4
    # Once its day has passed without a log, the window is overdue again.
    assert statuses(settle(owed, [], [plan], date(2026, 3, 17)))[0] == ("mid", "overdue",
                                                                          False)


def early_flags(settled):
    return [(s.owed.slot, s.status, s.late, s.early) for s in settled]


def test_an_early_talk_counts_for_its_window_as_held_early_never_late():
    """“上下级之间每月进行2次例行沟通，月中（每月13—16日）、月末（每月最后3天）各沟通一次”:
    a talk held before its window fills that window, early (提前), not late."""
    owed = owed_skip_level(SALES1, 2026, 2, line())
    settled = settle(owed, [talk(date(2026, 5, 2), "skip_level", (SALES1, SALES_HEAD))], [],
                     date(2026, 5, 3))
    assert statuses(settled) == [("q2", "held", False)]
    early = owed_one_on_one(SALES1, 2026, 3, line())
    assert early_flags(settle(early, [talk(date(2026, 3, 5))], [], date(2026, 3, 6))) == [
        ("mid", "held", False, True), ("end", "due", False, False)]
    # The meeting already accepted for the 14th is not needed for the mid-month talk: it
    # does not book the month-end window either (it would be early for it too).
    meeting = Planned("one_on_one", frozenset((SALES1, SALES_LEAD)), date(2026, 3, 14), 3)
    assert early_flags(settle(early, [talk(date(2026, 3, 5))], [meeting], date(2026, 3, 6))) == [
        ("mid", "held", False, True), ("end", "scheduled", False, True)]
    # Between the windows with the mid-month one kept: early for the month end.
    both = settle(early, [talk(date(2026, 3, 14)), talk(date(2026, 3, 20))], [],
                  date(2026, 3, 21))
    assert early_flags(both) == [("mid", "held", False, False), ("end", "held", False, True)]
    # Between the windows with the mid-month one missed: a late make-up of that one.
    assert early_flags(settle(early, [talk(date(2026, 3, 20))], [], date(2026, 3, 21))) == [
        ("mid", "held", True, False), ("end", "due", False, False)]


def test_a_makeup_talk_fills_the_window_it_makes_up_for_even_after_the_period():
    """“月末（每月最后3天）各沟通一次”: a missed month-end talk made up on the 2nd of the next
    month (a 补谈 meeting naming it) counts for that window, late, and for nothing else."""
    march = owed_one_on_one(SALES1, 2026, 3, line())
    end_key = march[1].key
    makeup = Held("one_on_one", frozenset((SALES1, SALES_LEAD)), date(2026, 4, 2), 9,
                  makeup_of=end_key)
    settled = settle(march, [talk(date(2026, 3, 14)), makeup], [], date(2026, 4, 3))
    assert early_flags(settled) == [("mid", "held", False, False), ("end", "held", True, False)]
    assert settled[1].talk_id == 9
    april = owed_one_on_one(SALES1, 2026, 4, line())
    assert early_flags(settle(april, [makeup], [], date(2026, 4, 3))) == [
        ("mid", "due", False, False), ("end", "due", False, False)]
    # Planned: the make-up meeting books the missed window, not April's.
    plan = Planned("one_on_one", frozenset((SALES1, SALES_LEAD)), date(2026, 4, 2), 4,
                   makeup_of=end_key)
    assert early_flags(settle(march, [talk(date(2026, 3, 14))], [plan], date(2026, 4, 1))) == [
        ("mid", "held", False, False), ("end", "scheduled", True, False)]


def test_a_meeting_counts_for_its_own_window_before_an_earlier_missed_one():
    owed = owed_one_on_one(SALES1, 2026, 3, line())
    plan = Planned("one_on_one", frozenset((SALES1, SALES_LEAD)), date(2026, 3, 30), 5)
    assert statuses(settle(owed, [], [plan], date(2026, 3, 20))) == [
        ("mid", "overdue", False), ("end", "scheduled", False)]
    # Outside every window it still books the first open obligation, marked late.
    early = Planned("one_on_one", frozenset((SALES1, SALES_LEAD)), date(2026, 3, 22), 6)
    assert statuses(settle(owed, [], [early], date(2026, 3, 20))) == [
        ("mid", "scheduled", True), ("end", "due", False)]
