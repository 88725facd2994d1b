"""HR decides an entry (excuse with a reason, penalise with the decision text, withdraw);
the person may appeal once; HR answers the appeal (uphold or withdraw).  Every step is in
the history, and nobody else may take a step.

Seed: 沟通管理办法 五、执行责任 1(2) "对违反本办法者有按本办法相关规定进行处罚的权力,同时对监管
不力者按本制度相关规定进行处罚"; 2(2) "如发现执行不力问题,依本办法对相关责任人进行处罚。"
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.accountability import access
from hub.accountability.services import (
    EntryError,
    InvalidTransition,
    NotAllowed,
    open_entries,
    perform,
)
from hub.common.time import utcnow
from hub.extensions import db
from tests.accountability.conftest import entries


@pytest.fixture
def entry(demo, assigned_letter):
    """prod1's entry: an assigned letter left past its deadline (moved an hour into the
    past, so the register's job runs now and the steps follow it)."""
    assigned_letter.due_at = utcnow() - timedelta(hours=1)
    open_entries()
    db.session.commit()
    return entries("letter_overdue", source_id=assigned_letter.id)[0]


def steps(entry):
    return [(e.action, e.from_status, e.to_status) for e in entry.events]


def test_hr_penalises_the_person_appeals_once_and_hr_upholds(demo, entry):
    """Seed: 五、执行责任 1(2) "对违反本办法者有按本办法相关规定进行处罚的权力" """
    hr, person = demo["hr1"], demo["prod1"]
    assert access.allowed_actions(hr, entry) == ["excuse", "penalise", "withdraw"]
    assert access.allowed_actions(person, entry) == ["appeal"]
    perform(entry, hr, "penalise", "通报批评，扣当月考核 2 分。")
    db.session.commit()
    assert (entry.status, entry.decision, entry.decided_by_id) == (
        "penalised", "通报批评，扣当月考核 2 分。", hr.id)
    assert access.allowed_actions(hr, entry) == ["withdraw"]
    perform(entry, person, "appeal", "当周出差，已委托同事办理。")
    db.session.commit()
    assert entry.appeal_state == "pending"
    assert access.allowed_actions(hr, entry) == ["withdraw", "uphold"]
    with pytest.raises(InvalidTransition):
        perform(entry, person, "appeal", "再申诉一次。")
    db.session.rollback()
    perform(entry, hr, "uphold", "委托未留记录，维持原决定。")
    db.session.commit()
    assert (entry.status, entry.appeal_state, entry.appeal_answer) == (
        "penalised", "upheld", "委托未留记录，维持原决定。")
    assert access.allowed_actions(person, entry) == []  # once only
    assert steps(entry) == [("open", None, "open"), ("penalise", "open", "penalised"),
                            ("appeal", "penalised", "penalised"),
                            ("uphold", "penalised", "penalised")]
    assert [e.actor_id for e in entry.events] == [None, hr.id, person.id, hr.id]


def test_an_upheld_appeal_withdraws_the_entry(demo, entry):
    perform(entry, demo["prod1"], "appeal", "期限是交办时填错的。")
    # while the appeal waits HR answers it before deciding anything else
    assert access.allowed_actions(demo["hr1"], entry) == ["withdraw", "uphold"]
    perform(entry, demo["hr1"], "withdraw", "核实期限填错，撤销。")
    db.session.commit()
    assert (entry.status, entry.appeal_state) == ("withdrawn", "withdrawn")
    assert access.allowed_actions(demo["hr1"], entry) == []


def test_hr_excuses_with_a_reason(demo, entry):
    with pytest.raises(EntryError) as refused:
        perform(entry, demo["hr1"], "excuse", "   ")
    assert refused.value.fields == {"text": ["请填写此项。"]}
    perform(entry, demo["hr1"], "excuse", "系统维护期间，免予追究。")
    db.session.commit()
    assert entry.status == "excused" and entry.decision == "系统维护期间，免予追究。"
    # nothing left to appeal once excused
    assert access.allowed_actions(demo["prod1"], entry) == []
    with pytest.raises(InvalidTransition):
        perform(entry, demo["hr1"], "penalise", "改为处罚。")


def test_only_hr_decides_and_only_the_person_appeals(demo, entry):
    """The head sees the entry, the GM office too; neither decides, nor does the person;
    nobody but the person appeals."""
    for who in ("prod_head", "gmo", "gm", "sales1", "prod1"):
        for action in ("excuse", "penalise", "withdraw"):
            with pytest.raises(NotAllowed):
                perform(entry, demo[who], action, "理由")
    for who in ("hr1", "prod_head", "gmo"):
        with pytest.raises(NotAllowed):
            perform(entry, demo[who], "appeal", "不是我的。")
    assert entry.status == "open" and entry.appeal_state is None


def test_hr_never_decides_an_entry_against_themselves(demo, report):
    open_entries(report.feedback_due_at + timedelta(hours=1))
    db.session.commit()
    own = entries("report_overdue", source_id=report.id)[0]
    assert own.person_id == demo["hr1"].id
    assert access.allowed_actions(demo["hr1"], own) == ["appeal"]
    assert access.allowed_actions(demo["hr_head"], own) == ["excuse", "penalise", "withdraw"]
    with pytest.raises(NotAllowed):
        perform(own, demo["hr1"], "excuse", "自己免责。")
