"""GET /api/v1/talks/due: the policy's windows for a person and a month, with statuses."""
from __future__ import annotations

from datetime import datetime

from tests.api.conftest import API, assert_error
from tests.meetings.test_obligations import log_talk, org  # noqa: F401 - the fixture


def test_sales1_due_in_a_month(org, client, bearer):  # noqa: F811
    talk = log_talk("one_on_one", org["sales_lead"], org["sales1"], datetime(2026, 4, 14, 2))
    response = client.get(f"{API}/talks/due?period=2026-04", headers=bearer(org["sales1"]))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3
    assert [(i["kind"], i["counterpart"]["username"], i["window_start"], i["window_end"],
             i["status"], i["role"]) for i in body["items"]] == [
        ("one_on_one", "sales_lead", "2026-04-13", "2026-04-16", "held", "junior"),
        ("one_on_one", "sales_lead", "2026-04-28", "2026-04-30", "overdue", "junior"),
        ("skip_level", "sales_head", "2026-04-01", "2026-06-30", "overdue", "junior"),
    ]
    assert body["items"][0]["talk_number"] == talk.number
    assert "private_note" not in str(body) and "只给自己看" not in str(body)


def test_another_persons_list_only_within_ones_line(org, client, bearer):  # noqa: F811
    head = bearer(org["sales_head"])
    lead = client.get(f"{API}/talks/due?user_id={org['sales_lead'].id}&period=2026-04",
                      headers=head)
    assert lead.status_code == 200
    assert {i["role"] for i in lead.get_json()["items"]} == {"senior", "junior"}
    employee = bearer(org["sales1"])
    for user_id in (org["sales_lead"].id, org["sales2"].id, 999_999, 2**40):
        assert_error(client.get(f"{API}/talks/due?user_id={user_id}", headers=employee),
                     404, "not_found")


def test_bad_period_is_a_validation_error(org, client, bearer):  # noqa: F811
    headers = bearer(org["sales1"])
    for period in ("2026-13", "april", "2026-4", "\x00"):
        error = assert_error(client.get(f"{API}/talks/due", query_string={"period": period},
                                        headers=headers), 400, "validation_error")
        assert "period" in error["fields"]
