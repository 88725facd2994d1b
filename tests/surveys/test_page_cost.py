"""What the survey pages cost the database: the same number of SQL statements at 5 and at
50 rows (surveys in the list, answers and departments in the results, questions on the
answer page), at most 12."""
from __future__ import annotations

from hub.extensions import db
from hub.surveys import services as sv
from hub.surveys.access import Audience
from tests.support.factories import create_department, create_user, sign_in
from tests.support.sqlcount import statements
from tests.surveys.conftest import QUESTIONS, answers_for, release_all

MAX_STATEMENTS = 12


def cost(client, path: str) -> int:
    client.get(path)
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


def test_statement_counts_do_not_grow_with_rows(app, client, company):
    """人力资源部“定期进行员工满意度调查问卷”: the list, a survey, its results and their
    export run a fixed number of statements whatever the number of surveys, questions,
    answers and departments."""
    worker = company.add_workers(1)[0]
    counts: dict[str, list[int]] = {}
    first = None
    for n in (5, 50):
        while db.session.query(sv.Survey).count() < n:
            made = company.survey(questions=QUESTIONS * 2)
            first = first or made
        people = []
        while len(people) < n:
            dept = create_department()
            people.append(create_user(department=dept, manager=company.prod_head))
        for person in people:
            sv.answer(first, person, answers_for(first))
        db.session.commit()
        release_all()
        big = company.survey(questions=[sv.QuestionSpec(f"题{i}", "scale") for i in range(n)],
                             audience=Audience(everyone=True), title=f"{n}题")
        pages = [(worker, "/surveys/"), (company.hr, "/surveys/"), (company.gmo, "/surveys/"),
                 (worker, f"/surveys/{big.id}"), (company.hr, f"/surveys/{first.id}"),
                 (company.hr, f"/surveys/{first.id}/results"),
                 (company.gmo, f"/surveys/{first.id}/results"),
                 (company.hr, f"/surveys/{first.id}/results.xlsx"), (worker, "/")]
        for who, path in pages:
            sign_in(client, who)
            key = f"{who.username} {path.replace(str(big.id), 'big')}"
            counts.setdefault(key, []).append(cost(client, path))
    for page, (small, large) in counts.items():
        assert small == large, (page, small, large)
        assert large <= MAX_STATEMENTS, (page, large)
