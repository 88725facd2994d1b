"""GET /api/v1/compliance: owed / held / overdue per manager, for those who may follow them."""
from __future__ import annotations

from datetime import datetime

from tests.api.conftest import API, assert_error
from tests.meetings.test_obligations import log_talk, org  # noqa: F401 - the fixture


def rows(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {r["manager"]["username"]: r for r in response.get_json()["items"]}


def test_sales_head_sees_their_line_and_an_employee_cannot(org, client, bearer):  # noqa: F811
    log_talk("one_on_one", org["sales_lead"], org["sales1"], datetime(2026, 3, 14, 2))
    log_talk("skip_level", org["sales_head"], org["sales1"], datetime(2026, 2, 3, 2))
    by_head = rows(client.get(f"{API}/compliance?period=2026-03",
                              headers=bearer(org["sales_head"])))
    assert set(by_head) == {"sales_head", "sales_lead"}
    assert by_head["sales_lead"]["month"] == {"owed": 4, "held": 1, "late": 0, "overdue": 3,
                                              "due": 0, "scheduled": 0, "pending": 0}
    assert by_head["sales_lead"]["quarter"]["owed"] == 12
    assert by_head["sales_head"]["quarter"]["held"] == 1  # the skip-level talk in February
    assert by_head["sales_lead"]["department"]["name"] == "华东销售组"

    assert_error(client.get(f"{API}/compliance", headers=bearer(org["sales1"])), 404,
                 "not_found")
    everyone = rows(client.get(f"{API}/compliance?period=2026-03", headers=bearer(org["gmo"])))
    assert {"gm", "sales_head", "sales_lead"} <= set(everyone)


def test_department_filter_and_bad_input(org, client, bearer):  # noqa: F811
    head = bearer(org["sales_head"])
    east = org["sales_lead"].department.id
    assert set(rows(client.get(f"{API}/compliance?period=2026-03&department_id={east}",
                               headers=head))) == {"sales_lead"}
    for department_id in (org["gm"].department.id, 999_999):
        assert_error(client.get(f"{API}/compliance?department_id={department_id}",
                                headers=head), 404, "not_found")
    assert_error(client.get(f"{API}/compliance?period=26-03", headers=head), 400,
                 "validation_error")
    assert_error(client.get(f"{API}/compliance?department_id=x", headers=head), 400,
                 "validation_error")
