"""Issue 14, problem 3: the GM and the GM office see aggregate report numbers — never a
report's contents, never a count under 5 — on the statistics page, and their 事项处理 link
leads there instead of to an empty queue."""
from __future__ import annotations

import html
import io
import re

from openpyxl import load_workbook

from hub.common.small_cells import LARGE, SMALL
from tests.dashboard.data import add_reports, months_back

STATS = "/suggestions/stats"
DESK = re.compile(r'href="([^"]+)" data-testid="nav-report-desk"')


def signed_in(app, demo, login, name):
    client = app.test_client()
    login(client, demo[name])
    return client


def test_the_report_desk_link_leads_somewhere_meaningful(app, demo, login):
    for name, target in [("gm", STATS), ("gmo", STATS), ("hr1", "/suggestions/queue"),
                         ("safety_head", "/suggestions/queue"), ("sales1", None)]:
        page = signed_in(app, demo, login, name).get("/suggestions/").get_data(as_text=True)
        found = DESK.search(page)
        assert (found.group(1) if found else None) == target, name
        # the inbox's own 事项处理 tab goes to the queue, for those whose desk it is
        assert ('href="/suggestions/queue"' in page) == (target == "/suggestions/queue"), name


def test_the_gm_office_counts_every_report_in_aggregate(app, demo, login):
    month = months_back(0)
    add_reports(month, "suggestion", 12)
    add_reports(month, "safety", 6, unit="safety")
    add_reports(month, "complaint", 2)
    for name in ("gm", "gmo"):
        client = signed_in(app, demo, login, name)
        page = client.get(STATS, query_string={"year": month.year}).get_data(as_text=True)
        assert 'data-testid="aggregate-note"' in page
        assert 'data-testid="total">20<' in page   # 安全环保部's hazards too
        kinds = dict(re.findall(r'<tr data-key="([a-z_]+)">.*?data-testid="count">([^<]*)<',
                                page.split('data-testid="by-kind"')[1].split("</table>")[0],
                                re.S))
        kinds = {k: html.unescape(v) for k, v in kinds.items()}
        assert kinds == {"suggestion": "12", "safety": "6", "complaint": SMALL, "issue": SMALL,
                         "whistleblowing": SMALL, "customer": SMALL}
        # never a report: no number, no subject, no link to one
        assert "TR-" not in page and "事项 1" not in page
        book = load_workbook(io.BytesIO(client.get(f"{STATS}.xlsx").data))
        counts = [row[1] for sheet in ("按类别", "按月份", "按状态")
                  for row in book[sheet].iter_rows(min_row=2, values_only=True)]
        assert all(c in (SMALL, LARGE) or c >= 5 for c in counts), counts
        # the reward list names suggestions: not for the GM office as such
        expected = 200 if name == "gm" else 404   # the GM heads a handling unit
        assert client.get("/suggestions/rewards").status_code == expected
    # HR's figures are unchanged: what HR may see, exactly (its own queue shows them anyway)
    hr = signed_in(app, demo, login, "hr1").get(STATS).get_data(as_text=True)
    assert 'data-testid="total">14<' in hr and 'data-testid="aggregate-note"' not in hr
