"""Page–API parity of surveys: for every demo person and every demo survey, the fields the
survey page shows (its ``data-field`` marks) are the fields the API returns, and a survey
one side hides is a 404 on the other too."""
from __future__ import annotations

from sqlalchemy import select

from hub.extensions import db
from hub.surveys.demo import create_demo_surveys
from hub.surveys.models import Survey
from tests.support.factories import bearer, sign_in
from tests.support.parity import api_fields, page_fields

#: The id is the page's address.
SAME_THING = frozenset({"id"})


def test_every_person_sees_the_same_fields_of_every_survey_on_page_and_api(app, client, demo):
    """人力资源部“定期进行员工满意度调查问卷”; 管理人员“须时常了解员工对自己管理风格、管理方式的
    意见和建议”: each demo role sees the same fields of the demo surveys on the page and in
    the API."""
    create_demo_surveys(demo)
    db.session.commit()
    surveys = list(db.session.scalars(select(Survey.id).order_by(Survey.id)))
    assert len(surveys) == 2
    seen = hidden = 0
    for person in demo.values():
        headers = bearer(person)
        sign_in(client, person)
        for survey_id in surveys:
            api = client.get(f"/api/v1/surveys/{survey_id}", headers=headers)
            page = client.get(f"/surveys/{survey_id}")
            assert api.status_code == page.status_code, (person.username, survey_id)
            if api.status_code == 404:
                hidden += 1
                continue
            seen += 1
            shown = page_fields(page.get_data(as_text=True))
            returned = api_fields(api.get_json(), ignore=SAME_THING)
            assert shown == returned, (person.username, survey_id, shown ^ returned)
    # the upward survey is hidden from people without a manager (the GM, the admin)
    assert seen and hidden
