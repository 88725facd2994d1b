"""The rules of surveys: HR builds them, people in the audience answer once and
anonymously, the answers table cannot be tied to the "has answered" markers, reminders go
once to who has not answered."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text

from hub.common import holding
from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.models import Notification, OutboxMail
from hub.surveys import services as sv
from hub.surveys.access import Audience, todo_for
from hub.surveys.models import SurveyParticipant, SurveyResponse
from tests.surveys.conftest import QUESTIONS, answers_for, release_all

SEED_SURVEY = "人力资源部……定期进行员工满意度调查问卷,了解员工的目前工作的状态和需求。"


def test_hr_builds_a_questionnaire_and_nobody_else_may(company):
    """人事部门：“2、定期进行员工满意度调查问卷,了解员工的目前工作的状态和需求。”
    HR builds one (scale, choice, free text); anybody else is refused."""
    survey = company.survey()
    assert [q.kind for q in survey.questions] == ["scale", "choice", "text"]
    assert survey.questions[1].options == ["培训", "薪酬", "环境"]
    with pytest.raises(sv.NotAllowed):
        sv.create_survey(company.prod_head, title="x", questions=QUESTIONS,
                         audience=Audience(everyone=True),
                         closes_at=utcnow() + timedelta(days=1))


@pytest.mark.parametrize("questions, audience, days, message", [
    ([], Audience(everyone=True), 3, "至少"),
    ([sv.QuestionSpec("选一个", "choice", ["只有一个"])], Audience(everyone=True), 3, "选项"),
    ([sv.QuestionSpec("选一个", "choice", ["甲", "甲"])], Audience(everyone=True), 3, "重复"),
    (QUESTIONS, Audience(), 3, "调查对象"),
    (QUESTIONS, Audience(everyone=True), -1, "截止"),
])
def test_a_questionnaire_that_cannot_work_is_refused(company, questions, audience, days,
                                                     message):
    """人力资源部“定期进行员工满意度调查问卷”: a questionnaire without questions, a choice
    without two different options, no audience or a period already over is refused."""
    with pytest.raises(sv.SurveyError) as refused:
        sv.create_survey(company.hr, title="调查", questions=questions, audience=audience,
                         closes_at=utcnow() + timedelta(days=days))
    assert message in refused.value.message + " ".join(
        " ".join(v) for v in refused.value.fields.values())


def test_edit_only_before_it_opens_and_close_ends_it(company):
    """“定期进行员工满意度调查问卷”: HR may change a survey until it opens, then only
    close it; a closed survey takes no answers."""
    later = company.survey(opens_in=timedelta(days=1))
    sv.update_survey(later, company.hr, title="改过的标题", questions=QUESTIONS[:1],
                     audience=Audience(department_ids=(company.prod.id,)),
                     opens_at=later.opens_at, closes_at=later.closes_at)
    assert later.title == "改过的标题" and len(later.questions) == 1
    running = company.survey()
    with pytest.raises(sv.Conflict):
        sv.update_survey(running, company.hr, title="x", questions=QUESTIONS,
                         audience=Audience(everyone=True), opens_at=None,
                         closes_at=running.closes_at)
    worker = company.add_workers(1)[0]
    sv.close_survey(running, company.hr)
    with pytest.raises(sv.Conflict):
        sv.answer(running, worker, answers_for(running))
    with pytest.raises(sv.Conflict):
        sv.close_survey(running, company.hr)


def test_each_person_answers_once(company):
    """“定期进行员工满意度调查问卷”: one answer per person; the second is refused
    (409 in the API) and nothing of it is kept."""
    worker = company.add_workers(1)[0]
    survey = company.survey()
    sv.answer(survey, worker, answers_for(survey))
    db.session.commit()
    with pytest.raises(sv.Conflict) as second:
        sv.answer(survey, worker, answers_for(survey, score=1))
    assert second.value.status == 409
    db.session.rollback()
    assert holding.held_count() == 1
    assert release_all() == 1
    assert db.session.scalar(select(db.func.count()).select_from(SurveyResponse)) == 1


def test_bad_answers_are_refused_with_the_question_they_concern(company):
    """“定期进行员工满意度调查问卷”: a score outside 1–5, an option that is not offered,
    an unanswered required question: refused, naming the question; nothing is marked."""
    worker = company.add_workers(1)[0]
    survey = company.survey()
    scale, choice, _text = survey.questions
    for answers in ({scale.id: 6, choice.id: "培训"}, {scale.id: 3, choice.id: "别的"},
                    {choice.id: "培训"}, {scale.id: "x", choice.id: "培训"},
                    {scale.id: 3, choice.id: "培训", 999999: 1}):
        with pytest.raises(sv.SurveyError) as refused:
            sv.answer(survey, worker, answers)
        assert refused.value.status == 400 and refused.value.fields
        db.session.rollback()
    assert db.session.get(SurveyParticipant, (survey.id, worker.id)) is None


def test_answers_cannot_be_tied_to_the_markers(company, backend):
    """“定期进行员工满意度调查问卷”, anonymous: the answers table has no person and no
    time; its rows enter in a shuffled release batch with random keys, so neither their
    keys, their physical order nor (PostgreSQL) their transaction follows the order in which
    people answered."""
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_responses")}
    assert columns == {"id", "survey_id", "department_id", "manager_id", "answers"}
    marker_columns = {c["name"] for c in inspect(db.engine).get_columns("survey_participants")}
    assert marker_columns == {"survey_id", "user_id"}
    workers = company.add_workers(12)
    survey = company.survey()
    # Each person answers in their own transaction, with a score that names them.
    for number, worker in enumerate(workers):
        sv.answer(survey, worker, answers_for(survey, score=number % 5 + 1,
                                              text=f"第{number}个"))
        db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(SurveyResponse)) == 0
    assert release_all() == 12
    stored = db.session.execute(select(SurveyResponse.id, SurveyResponse.answers)).all()
    written = [row.answers[str(survey.questions[2].id)] for row in stored]
    assert sorted(written) == sorted(f"第{n}个" for n in range(12))
    # Keys are random (not a sequence): neither the rows' physical order nor the order of
    # their keys is the answering order (one chance in 12! each that a shuffle keeps it).
    answering = [f"第{n}个" for n in range(12)]
    assert all(len(row.id) == 32 for row in stored)
    assert written != answering
    assert [answers for _id, answers in sorted((row.id, row.answers[str(survey.questions[2].id)])
                                               for row in stored)] != answering
    if backend == "postgresql":
        # Each row was written in the release transaction (a savepoint each, in the
        # shuffled order), none in an answering transaction: xmin neither matches a
        # marker's nor follows the answering order.
        rows = db.session.execute(text(
            "SELECT xmin::text::bigint AS x, answers FROM survey_responses")).all()
        marker_xmins = set(db.session.scalars(text(
            "SELECT xmin::text::bigint FROM survey_participants")))
        assert not {row.x for row in rows} & marker_xmins
        assert min(row.x for row in rows) > max(marker_xmins)
        by_xmin = [row.answers[str(survey.questions[2].id)] for row in sorted(rows, key=lambda r: r.x)]
        assert by_xmin != answering


def test_upward_answers_count_by_team_and_only_people_with_a_manager_are_asked(company):
    """管理人员“7、须时常了解员工对自己管理风格、管理方式的意见和建议”: the upward survey
    asks people with a manager and counts each answer for that manager's team."""
    worker = company.add_workers(1)[0]
    survey = company.survey(kind="upward", questions=None)
    assert len(survey.questions) == len(sv.UPWARD_QUESTIONS)
    assert survey in db.session.scalars(select(type(survey)).where(
        type(survey).id.in_([row.item_id for row in db.session.execute(
            todo_for(worker)[0])])))
    assert not list(db.session.execute(todo_for(company.prod_head)[0]))  # no manager
    values = {q.id: (4 if q.kind == "scale" else q.options[0] if q.kind == "choice" else "")
              for q in survey.questions}
    sv.answer(survey, worker, values)
    release_all()
    assert db.session.scalar(select(SurveyResponse.manager_id)) == company.prod_head.id


def test_reminders_go_once_to_who_has_not_answered(company, smtp):
    """“定期进行员工满意度调查问卷”: two days before closing, everyone in the audience who
    has not answered is told once, in the hub and by e-mail; who answered is not."""
    answered, waiting = company.add_workers(2)
    survey = company.survey(audience=Audience(department_ids=(company.prod.id,)), days=5)
    sv.answer(survey, answered, answers_for(survey))
    db.session.commit()
    assert sv.send_reminders() == 0  # five days before closing: not yet
    later = utcnow() + timedelta(days=3, hours=1)
    reminded = sv.send_reminders(later)
    db.session.commit()
    assert reminded == 2  # the waiting worker and the department's head
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "survey.reminder")))
    assert told == {waiting.id, company.prod_head.id}
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMail).where(
        OutboxMail.to_addr == waiting.email)) == 1
    assert sv.send_reminders(later + timedelta(hours=1)) == 0


def test_answering_takes_it_off_the_workbench(company):
    """“定期进行员工满意度调查问卷”: an open survey waits on the workbench of everyone in
    its audience until they answer it."""
    from hub.workbench.services import workbench_of

    worker = company.add_workers(1)[0]
    survey = company.survey()
    assert survey.id in workbench_of(worker).item_ids("survey_answer")
    sv.answer(survey, worker, answers_for(survey))
    db.session.commit()
    assert survey.id not in workbench_of(worker).item_ids("survey_answer")


def test_answering_leaves_no_access_log_line_and_no_session_stamp():
    """“定期进行员工满意度调查问卷”, anonymous: the access log keeps no line of the survey
    pages and API (its time would date the answers), and answering stamps no activity on
    the session or token."""
    import logging

    from hub.auth.access import leaves_no_activity
    from hub.common.logging import QuietRoutesFilter

    quiet = QuietRoutesFilter()
    for line in ("POST /surveys/3/answer HTTP/1.1", "POST /api/v1/surveys/3/responses HTTP/1.1"):
        assert not quiet.filter(logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                                                  '"%s" %s', (line, "302"), None))
    assert leaves_no_activity("surveys.answer_page")
    assert leaves_no_activity("api_surveys.respond")


def test_the_workbench_statement_is_shared_by_everybody_of_a_shape(company):
    """“定期进行员工满意度调查问卷”: the surveys to answer are part of the workbench's
    statement built once per shape of person (``hub.common.todo.Viewer``): nothing of the
    person but what a Viewer holds is read while it is built."""
    from sqlalchemy import union_all

    from hub.workbench.services import _UNSHARED, _build_shared, viewer_of

    worker = company.add_workers(1)[0]
    survey = company.survey()
    for person in (worker, company.prod_head, company.hr):
        built = _build_shared("surveys", viewer_of(person),
                              lambda user, now: union_all(*todo_for(user, now)))
        assert built is not _UNSHARED
    from hub.workbench.services import workbench_of

    assert survey.id in workbench_of(worker).item_ids("survey_answer")
