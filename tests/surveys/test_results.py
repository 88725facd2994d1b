"""Results: invited, responded, rate, per question counts and means, free text for HR
only; every group under 5 answers suppressed (null in the API, 不足5人 on the page); the
upward feedback a manager sees only from a team of 5; the Excel export's numbers typed."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from hub.extensions import db
from hub.surveys import services as sv
from hub.surveys.access import Audience
from tests.support.factories import bearer, sign_in
from tests.surveys.conftest import answers_for, release_all


def _answered_by(survey, people, scores=(5, 4, 4, 3, 2, 1)):
    for number, person in enumerate(people):
        sv.answer(survey, person, answers_for(survey, score=scores[number % len(scores)],
                                              text=f"意见{number}"))
    db.session.commit()
    release_all()


def test_a_department_of_4_is_suppressed_and_one_of_5_is_shown(app, client, company):
    """人力资源部“定期进行员工满意度调查问卷,了解员工的目前工作的状态和需求”: results per
    question and per department, every department with fewer than 5 answers null."""
    survey = company.survey(audience=Audience(department_ids=(company.prod.id, company.rd.id)))
    _answered_by(survey, company.add_workers(5))
    _answered_by(survey, company.add_rd(4))
    hr = bearer(company.hr)
    found = client.get(f"/api/v1/surveys/{survey.id}/results", headers=hr).get_json()
    assert found["invited"] == 10  # 生产部: the head and 5 workers; 研发部: 4
    assert found["responded"] == 9 and found["rate"] == 0.9
    scale = found["questions"][0]
    assert scale["answered"] == 9 and scale["mean"] == round((5 + 4 + 4 + 3 + 2 + 5 + 4 + 4 + 3) / 9, 2)
    assert {c["value"]: c["count"] for c in scale["counts"]} == {1: 0, 2: 1, 3: 2, 4: 4, 5: 2}
    assert found["questions"][1]["counts"][0] == {"value": "培训", "count": 9}
    assert sorted(found["questions"][2]["texts"]) == found["questions"][2]["texts"]
    assert len(found["questions"][2]["texts"]) == 9
    groups = {g["name"]: g for g in found["departments"]}
    assert groups["生产部"]["responded"] == 5 and groups["生产部"]["questions"]
    assert groups["研发部"]["responded"] is None and groups["研发部"]["questions"] is None
    assert groups["研发部"]["rate"] is None and groups["研发部"]["invited"] == 4
    # The department filter: the same rule.
    only_rd = client.get(f"/api/v1/surveys/{survey.id}/results?department_id={company.rd.id}",
                         headers=hr).get_json()
    assert only_rd["responded"] is None and only_rd["questions"] is None
    only_prod = client.get(f"/api/v1/surveys/{survey.id}/results?department_id={company.prod.id}",
                           headers=hr).get_json()
    assert only_prod["responded"] == 5 and only_prod["questions"][0]["answered"] == 5
    # The page says 不足5人 where the API says null.
    sign_in(client, company.hr)
    html = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "不足5人" in html and 'data-testid="suppressed-group"' in html
    assert "意见0" in html


def test_gm_office_reads_aggregates_without_free_text_and_others_nothing(app, client, company):
    """“定期进行员工满意度调查问卷”: the GM office reads the figures, never the free-text
    answers; a person in the audience, a department head, anybody else: 404."""
    survey = company.survey()
    _answered_by(survey, company.add_workers(5))
    office = client.get(f"/api/v1/surveys/{survey.id}/results",
                        headers=bearer(company.gmo)).get_json()
    assert office["questions"][0]["mean"] is not None
    assert office["questions"][2]["texts"] is None
    sign_in(client, company.gmo)
    html = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "意见0" not in html
    for person in (company.workers[0], company.prod_head):
        assert client.get(f"/api/v1/surveys/{survey.id}/results",
                          headers=bearer(person)).status_code == 404
        sign_in(client, person)
        assert client.get(f"/surveys/{survey.id}/results").status_code == 404
        assert client.get(f"/surveys/{survey.id}/results.xlsx").status_code == 404


def test_a_manager_sees_the_aggregates_of_a_team_of_5_and_nothing_of_a_team_of_4(
        app, client, company):
    """管理人员“7、须时常了解员工对自己管理风格、管理方式的意见和建议”: the upward feedback
    shows a manager only aggregates of their own team, and only from 5 answers."""
    survey = company.survey(kind="upward", questions=None)
    workers = company.add_workers(5)

    def upward(person):
        sv.answer(survey, person, {q.id: (4 if q.kind == "scale" else q.options[1]
                                          if q.kind == "choice" else "多听意见")
                                   for q in survey.questions})
        db.session.commit()

    for person in workers[:4]:
        upward(person)
    release_all()
    manager = bearer(company.prod_head)
    assert client.get(f"/api/v1/surveys/{survey.id}/results", headers=manager).status_code == 404
    sign_in(client, company.prod_head)
    assert client.get(f"/surveys/{survey.id}/results").status_code == 404
    assert 'data-testid="team-results"' not in client.get("/surveys/").get_data(as_text=True)
    hr = client.get(f"/api/v1/surveys/{survey.id}/results", headers=bearer(company.hr)).get_json()
    assert [t["responded"] for t in hr["teams"]] == [None]
    upward(workers[4])
    release_all()
    team = client.get(f"/api/v1/surveys/{survey.id}/results", headers=manager).get_json()
    assert team["responded"] == 5 and team["invited"] == 5
    assert team["questions"][0]["mean"] == 4.0
    assert all(q["texts"] is None for q in team["questions"])  # aggregates only
    assert team["departments"] == [] and team["teams"] == []
    assert 'data-testid="team-results"' in client.get("/surveys/").get_data(as_text=True)
    html = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert "多听意见" not in html


def test_export_has_the_aggregates_as_numbers(app, client, company):
    """“定期进行员工满意度调查问卷”: the Excel export of the aggregates, counts and means as
    numbers, a suppressed department as 不足5人, no free text."""
    survey = company.survey(audience=Audience(department_ids=(company.prod.id, company.rd.id)))
    _answered_by(survey, company.add_workers(5))
    _answered_by(survey, company.add_rd(2))
    sign_in(client, company.hr)
    response = client.get(f"/surveys/{survey.id}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    overview = list(book.worksheets[0].iter_rows(values_only=True))
    assert overview[1][1:] == (8, 7, 0.875)
    questions = list(book.worksheets[1].iter_rows(values_only=True))
    counts = [row for row in questions[1:] if row[0] == 1]
    assert [row[3] for row in counts][:5] == [0, 1, 1, 3, 2]  # scores 1 to 5
    assert all(isinstance(row[3], int) for row in counts)
    mean = next(row for row in counts if row[4] is not None)
    assert isinstance(mean[4], float)
    departments = {row[0]: row for row in book.worksheets[2].iter_rows(values_only=True)}
    assert departments["生产部"][2] == 5 and isinstance(departments["生产部"][4], float)
    assert departments["研发部"][2] == "不足5人" and departments["研发部"][4] is None
    assert not any("意见0" in str(cell) for sheet in book.worksheets
                   for row in sheet.iter_rows(values_only=True) for cell in row)
