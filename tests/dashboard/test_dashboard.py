"""The GM dashboard (/dashboard and GET /api/v1/dashboard): who may open it, what it
counts, the small-cell rule on the report counts (no count under 5 leaves the server, by
page or API), the page's tables against the API, and a fixed number of statements."""
from __future__ import annotations

import html as html_text
import json
import re

import pytest

from hub.common.small_cells import LARGE, SMALL
from tests.dashboard.data import (
    add_announcements,
    add_letters,
    add_reports,
    add_summary,
    months_back,
)
from tests.dashboard.page import tables
from tests.support.sqlcount import statements

PAGE, API = "/dashboard", "/api/v1/dashboard"
ALLOWED = {"gm", "gmo", "hr_head"}


def page_of(app, demo, login, name: str, path: str = PAGE):
    client = app.test_client()
    login(client, demo[name])
    return client.get(path)


def api_of(app, demo, bearer, name: str, path: str = API):
    return app.test_client().get(path, headers=bearer(demo[name]))


def test_only_the_gm_office_and_hrs_head_may_open_it(app, demo, login, bearer):
    for name in sorted(demo):
        response = page_of(app, demo, login, name)
        api = api_of(app, demo, bearer, name)
        expected = 200 if name in ALLOWED else 404
        assert (response.status_code, api.status_code) == (expected, expected), name
        if name in ALLOWED:
            assert 'data-testid="nav-dashboard"' in response.get_data(as_text=True)
    home = app.test_client()
    login(home, demo["hr1"])
    assert 'data-testid="nav-dashboard"' not in home.get("/").get_data(as_text=True)
    assert api_of(app, demo, bearer, "gm", API + "?months=99").status_code == 400


@pytest.fixture
def figures(demo):
    """Letters, reports, summaries and announcements in the last months."""
    this, last, earlier = months_back(0), months_back(1), months_back(2)
    add_letters(last, "suggestion", 6)
    add_letters(last, "complaint", 2, late=True)
    add_letters(this, "issue", 3, status="submitted")
    add_reports(last, "suggestion", 9)
    add_reports(last, "complaint", 3)
    add_reports(earlier, "suggestion", 12)
    add_reports(earlier, "complaint", 7)
    add_reports(this, "safety", 1, unit="safety")
    add_summary(last, {"生产部": (10, 8), "市场部": (4, 1)})
    add_summary(earlier, {"生产部": (5, 5)})
    add_announcements(demo["gmo"], 2, confirmed_by=[demo["sales1"], demo["prod1"]])
    return this, last, earlier


def _report_numbers(reports: dict) -> list:
    found = [reports["total"], *reports["totals"].values()]
    for row in reports["months"]:
        found += [row["total"], *row["by_kind"].values()]
    return found


def test_the_figures(app, demo, bearer, figures):
    this, last, earlier = figures
    data = api_of(app, demo, bearer, "gm").get_json()
    assert len(data["months"]) == 12 and data["months"][-1] == str(this)
    letters = {row["month"]: row for row in data["letters"]["months"]}
    assert letters[str(last)]["by_category"] == {"suggestion": 6, "issue": 0,
                                                 "complaint": 2, "other": 0}
    assert letters[str(last)]["by_status"]["accepted"] == 8
    assert (letters[str(last)]["overdue"], letters[str(last)]["overdue_rate"]) == (2, 25)
    # still waiting, but not yet past the acceptance deadline unless 2 days have gone by
    assert letters[str(this)]["by_status"]["submitted"] == 3
    reports = {row["month"]: row for row in data["reports"]["months"]}
    # The other kinds had none: 0 is hidden too, and as 12 + 7 = 19 would say they had
    # none, the 7 is hidden with them (the page says ≥5); likewise the kind's total pins
    # last month's suggestions, and 3 complaints are hidden anyway.
    assert reports[str(earlier)]["by_kind"] == {**dict.fromkeys(reports[str(earlier)]["by_kind"]),
                                                "suggestion": 12}
    assert reports[str(earlier)]["total"] == 19
    assert set(reports[str(last)]["by_kind"].values()) == {None}
    assert reports[str(last)]["total"] == 12
    talks = {d["name"]: {m["month"]: m for m in d["months"]} for d in data["talks"]["departments"]}
    assert talks["生产部"][str(last)]["rate"] == 80
    assert talks["市场部"][str(last)]["rate"] == 25
    assert talks["生产部"][str(this)]["rate"] is None
    assert data["talks"]["summarised"] == [str(earlier), str(last)]
    assert [(a["audience"] > 2, a["confirmed"]) for a in data["announcements"]] == [(True, 2)] * 2
    # an audience of departments counts those below them too (市场部's sales groups)
    [added] = add_announcements(demo["gmo"], 1, confirmed_by=[demo["sales1"], demo["prod1"]],
                                departments=["市场部"])
    [latest] = [a for a in api_of(app, demo, bearer, "gm").get_json()["announcements"]
                if a["id"] == added]
    members = {u.id for u in demo.values() if u.active and u.department.name in
               ("市场部", "华东销售组", "华南销售组")} - {demo["gmo"].id}
    assert (latest["audience"], latest["confirmed"]) == (len(members), 1)
    # HR's head counts the reports they may see (HR's), not 安全环保部's hazard; the letters
    # and the talks of others are not theirs to count.
    hr = api_of(app, demo, bearer, "hr_head").get_json()
    assert sum(row["filed"] for row in hr["letters"]["months"]) == 0
    assert [d["name"] for d in hr["talks"]["departments"]] == []
    assert hr["announcements"] == []


def test_no_report_count_under_5_leaves_the_server(app, demo, login, bearer, figures):
    for name in ALLOWED:
        data = api_of(app, demo, bearer, name).get_json()
        numbers = _report_numbers(data["reports"])
        assert all(n is None or n >= 5 for n in numbers), (name, numbers)
        assert None in numbers
        html = page_of(app, demo, login, name).get_data(as_text=True)
        shown = tables(html)["reports-by-kind"]
        texts = [text for row in shown.values() for text in row.values()]
        assert all(t in (SMALL, LARGE) or int(t) >= 5 for t in texts), (name, texts)
        # …nor in the JSON the page carries for its charts
        carried = json.loads(re.search(r'id="dashboard-data">(.*?)</script>', html).group(1))
        assert carried == data
    # The statistics page of the GM office: aggregate numbers, none under 5 either.
    stats = page_of(app, demo, login, "gm", "/suggestions/stats").get_data(as_text=True)
    counts = [html_text.unescape(c) for c in re.findall(
        r'data-testid="(?:count|total|named|anonymous)">([^<]*)<', stats)]
    assert counts and all(c in (SMALL, LARGE) or int(c) >= 5 for c in counts), counts
    assert "32" in counts  # every report of the year, not only those it may see


def test_the_page_shows_the_figures_of_the_api(app, demo, login, bearer, figures):
    for name in ALLOWED:
        data = api_of(app, demo, bearer, name).get_json()
        shown = tables(page_of(app, demo, login, name).get_data(as_text=True))
        for row in data["letters"]["months"]:
            cells = shown["letters-by-category"][row["month"]]
            assert {k: int(v) for k, v in cells.items()} == {**row["by_category"],
                                                             "total": row["filed"]}
            cells = shown["letters-by-status"][row["month"]]
            assert {k: int(v) for k, v in cells.items()} == row["by_status"]
            cells = shown["letters-overdue"][row["month"]]
            rate = row["overdue_rate"]
            assert cells == {"filed": str(row["filed"]), "overdue": str(row["overdue"]),
                             "overdue_rate": "—" if rate is None else f"{rate}%"}
        reports = data["reports"]
        for row in [*reports["months"],
                    {"month": "total", "by_kind": reports["totals"], "total": reports["total"]}]:
            cells = shown["reports-by-kind"][row["month"]]
            for key, value in [*row["by_kind"].items(), ("total", row["total"])]:
                assert cells[key] == str(value) if value is not None \
                    else cells[key] in (SMALL, LARGE), (row["month"], key)
        heat = shown.get("talk-compliance", {})
        for department in data["talks"]["departments"]:
            for cell in department["months"]:
                text = heat[str(department["id"])][cell["month"]]
                assert text == ("—" if cell["rate"] is None else f"{cell['rate']}%")
        assert len(heat) == len(data["talks"]["departments"])
        rates = shown.get("announcement-rates", {})
        assert {int(k): v for k, v in rates.items()} == {
            a["id"]: {"audience": str(a["audience"]), "confirmed": str(a["confirmed"]),
                      "rate": f"{a['rate']}%"} for a in data["announcements"]}


def _cost(app, demo, login, bearer) -> dict:
    found = {}
    for name in sorted(ALLOWED):
        client = app.test_client()
        login(client, demo[name])
        headers = bearer(demo[name])
        for path, kwargs in ((PAGE, {}), (API, {"headers": headers})):
            assert client.get(path, **kwargs).status_code == 200
            with statements() as sql:
                assert client.get(path, **kwargs).status_code == 200
            found[(name, path)] = len(sql)
    return found


def test_a_fixed_number_of_statements(app, demo, login, bearer):
    this, last = months_back(0), months_back(1)
    add_letters(last, "suggestion", 2)
    add_reports(last, "suggestion", 2)
    add_summary(last, {"生产部": (3, 2)})
    add_announcements(demo["gmo"], 1, confirmed_by=[demo["sales1"]])
    add_announcements(demo["gmo"], 1, departments=["市场部"])
    few = _cost(app, demo, login, bearer)
    for month in range(12):
        add_letters(months_back(month), "complaint", 20, late=True)
        add_reports(months_back(month), "complaint", 30)
    add_summary(this, {"生产部": (6, 6), "市场部": (5, 2), "研发部": (4, 4)})
    add_announcements(demo["gmo"], 25, confirmed_by=[demo["sales1"], demo["prod2"]])
    # a department with what is below it (市场部's sales groups), in every announcement shown
    add_announcements(demo["gmo"], 10, confirmed_by=[demo["sales1"]],
                      departments=["市场部", "生产部"])
    many = _cost(app, demo, login, bearer)
    assert few == many
    over = {page: n for page, n in many.items() if n > 12}
    assert not over, over
