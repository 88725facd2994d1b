"""The people directory (通讯录) as a signed-in person sees it through the browser."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.common.converters import MAX_ID
from hub.directory.views import PER_PAGE


class _Inspector(HTMLParser):
    """Collects the text and the link targets inside every element with ``data-testid``."""

    VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.hrefs: dict[str, list[str]] = {}
        self.open: list[tuple[str | None, list[str], list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            for _testid, _parts, hrefs in self.open:
                hrefs.append(attrs["href"])
        if tag not in self.VOID:
            self.open.append((attrs.get("data-testid"), [], []))

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.open:
            return
        testid, parts, hrefs = self.open.pop()
        if testid:
            self.text[testid] = " ".join("".join(parts).split())
            self.hrefs[testid] = hrefs
        if self.open:
            self.open[-1][1].append(" " + "".join(parts) + " ")

    def handle_data(self, data):
        if self.open:
            self.open[-1][1].append(data)


def _inspect(response) -> _Inspector:
    inspector = _Inspector()
    inspector.feed(response.get_data(as_text=True))
    return inspector


def shown(response, testid: str) -> str:
    """The visible text of the element ``data-testid=testid`` ("" when there is none)."""
    return _inspect(response).text.get(testid, "")


def link_args(response, testid: str) -> list[dict[str, list[str]]]:
    """The query arguments of every link inside the element ``data-testid=testid``."""
    return [parse_qs(urlsplit(href).query)
            for href in _inspect(response).hrefs.get(testid, [])]


# --- search ------------------------------------------------------------------------------

def test_search_by_name_finds_the_person(client, demo, login):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"q": "何磊"})
    assert response.status_code == 200
    results = shown(response, "directory-results")
    assert "何磊" in results
    assert "冯涛" not in results
    assert shown(response, "result-count") == "共 1 人"


@pytest.mark.parametrize("query", ["sales1@demo", "E0014", "SALES1", "销售专员"])
def test_search_by_email_employee_number_username_or_title(client, demo, login, query):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"q": query})
    assert "何磊" in shown(response, "directory-results")


def test_search_without_match_says_so(client, demo, login):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"q": "不存在的人"})
    assert response.status_code == 200
    assert "没有找到" in shown(response, "no-results")


def test_department_filter_includes_sub_departments(client, create_user, create_department,
                                                    login):
    sales = create_department("销售中心")
    east = create_department("东区", parent=sales)
    east_shanghai = create_department("上海组", parent=east)
    other = create_department("财务中心")
    create_user(name="林总", department=sales)
    create_user(name="赵东", department=east)
    create_user(name="钱沪", department=east_shanghai)
    viewer = create_user(name="孙财", department=other)
    login(client, viewer)

    response = client.get("/people/", query_string={"dept": sales.id})
    results = shown(response, "directory-results")
    assert all(name in results for name in ("林总", "赵东", "钱沪"))
    assert "孙财" not in results

    narrower = shown(client.get("/people/", query_string={"dept": east.id}),
                     "directory-results")
    assert "赵东" in narrower and "钱沪" in narrower and "林总" not in narrower


def test_the_department_tree_keeps_the_search(client, demo, login):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"q": "销售"})
    links = link_args(response, "department-tree")
    assert len(links) == 1 + 10  # 全部部门 and every demo department
    assert all(link["q"] == ["销售"] for link in links)


def test_pagination_keeps_the_query_and_the_department(client, create_user,
                                                       create_department, login):
    dept = create_department("呼叫中心")
    for n in range(PER_PAGE + 5):
        create_user(name=f"坐席{n:02d}", title="客服坐席", department=dept)
    create_user(name="另一位坐席", title="客服坐席")  # same title, other department
    viewer = create_user(name="查看人", department=dept)
    login(client, viewer)

    first = client.get("/people/", query_string={"q": "坐席", "dept": dept.id})
    assert shown(first, "result-count") == f"共 {PER_PAGE + 5} 人"
    links = link_args(first, "pagination")
    assert links and all(link["q"] == ["坐席"] and link["dept"] == [str(dept.id)]
                         for link in links)
    assert any(link["page"] == ["2"] for link in links)

    second = client.get("/people/", query_string={"q": "坐席", "dept": dept.id, "page": 2})
    rows = shown(second, "directory-results")
    assert "坐席24" in rows and "坐席00" not in rows


def test_a_page_past_the_end_shows_the_last_page(client, demo, login):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"page": 9999})
    assert response.status_code == 200
    assert shown(response, "directory-results")


@pytest.mark.parametrize("args", [
    {"page": "abc"}, {"page": "-3"}, {"page": str(10**30)}, {"dept": "abc"},
    {"dept": str(10**30)}, {"dept": "-1"}, {"inactive": "maybe"},
])
def test_nonsense_arguments_never_break_the_page(client, demo, login, args):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string=args)
    assert response.status_code == 200
    assert "王建国" in shown(response, "directory-results")  # first of the whole company


def test_an_unknown_department_is_said_and_ignored(client, demo, login):
    login(client, demo["prod1"])
    response = client.get("/people/", query_string={"dept": 999_999})
    assert response.status_code == 200
    assert "找不到该部门" in response.get_data(as_text=True)


def test_too_long_a_query_is_refused_with_the_form_filled(client, demo, login):
    login(client, demo["prod1"])
    query = "何" * 101
    response = client.get("/people/", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "搜索词不能超过 100 个字符" in html
    assert f'value="{query}"' in html
    assert shown(response, "directory-results") == ""


def test_people_who_left_are_listed_for_the_admin_only_when_asked(
        client, create_user, create_department, login):
    dept = create_department("仓储部")
    create_user(name="在职者", department=dept)
    create_user(name="离职者", department=dept, active=False)
    employee = create_user(name="员工甲", department=dept)
    admin = create_user(name="管理员甲", roles=["admin"])

    login(client, employee)
    asked = shown(client.get("/people/", query_string={"dept": dept.id, "inactive": "y"}),
                  "directory-results")
    assert "在职者" in asked and "离职者" not in asked

    login(client, admin)
    default = shown(client.get("/people/", query_string={"dept": dept.id}),
                    "directory-results")
    assert "离职者" not in default
    with_left = shown(client.get("/people/", query_string={"dept": dept.id, "inactive": "y"}),
                      "directory-results")
    assert "离职者" in with_left and "已离职" in with_left


# --- a person's page ---------------------------------------------------------------------

def test_person_page_shows_the_reporting_line(client, demo, login):
    login(client, demo["prod1"])
    response = client.get(f"/people/{demo['sales_lead'].id}")
    assert response.status_code == 200
    assert shown(response, "person-name") == "冯涛"
    assert shown(response, "person-title") == "销售主管"
    assert shown(response, "person-department") == "市场部 › 华东销售组"
    assert shown(response, "person-manager").startswith("钱伟明")
    assert shown(response, "person-skip-level").startswith("王建国")
    reports = shown(response, "person-reports")
    assert all(name in reports for name in ("何磊", "韩雪", "曹阳"))
    assert shown(response, "person-heads") == "华东销售组"
    assert "sales_lead@demo.example.com" in response.get_data(as_text=True)


def test_person_page_of_an_employee_without_reports(client, demo, login):
    login(client, demo["prod1"])
    response = client.get(f"/people/{demo['sales1'].id}")
    assert shown(response, "person-manager").startswith("冯涛")
    assert shown(response, "person-skip-level").startswith("钱伟明")
    assert shown(response, "person-reports") == ""
    assert "暂无直接下属" in response.get_data(as_text=True)
    assert shown(response, "person-heads") == "—"


def test_person_who_left_is_404_for_employees_and_visible_for_admin(
        client, create_user, login):
    boss = create_user(name="老板")
    left = create_user(name="离职员工", manager=boss, active=False)
    employee = create_user(name="普通员工")
    admin = create_user(name="管理员", roles=["admin"])

    login(client, employee)
    assert client.get(f"/people/{left.id}").status_code == 404

    login(client, admin)
    response = client.get(f"/people/{left.id}")
    assert response.status_code == 200
    assert "离职员工" in shown(response, "person-name")
    assert "已离职" in shown(response, "person-name")
    assert shown(response, "person-manager").startswith("老板")


def test_a_manager_who_left_is_not_linked_for_employees(client, create_user, login):
    gone = create_user(name="前任经理")
    person = create_user(name="留下的人", manager=gone)
    gone.active = False  # left without the reporting line being moved (imported data)
    viewer = create_user(name="同事")
    login(client, viewer)
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    assert shown(response, "person-manager") == "—"
    assert "前任经理" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/people/999999", f"/people/{MAX_ID + 1}", "/people/" + "9" * 30, "/people/0",
    "/people/-1", "/people/abc",
])
def test_unknown_or_huge_person_id_is_404(client, demo, login, path):
    login(client, demo["prod1"])
    assert client.get(path).status_code == 404


# --- a department's page -----------------------------------------------------------------

def test_department_page_shows_head_sub_departments_and_members(client, demo, login):
    login(client, demo["prod1"])
    sales = demo["sales_head"].department
    response = client.get(f"/people/departments/{sales.id}")
    assert response.status_code == 200
    assert shown(response, "department-name") == "市场部"
    assert shown(response, "department-head").startswith("钱伟明")
    children = shown(response, "department-children")
    assert "华东销售组" in children and "华南销售组" in children and "冯涛" in children
    members = shown(response, "department-members")
    assert "钱伟明" in members and "何磊" not in members  # only the department's own people


@pytest.mark.parametrize("path", ["/people/departments/999999",
                                  f"/people/departments/{MAX_ID + 1}"])
def test_unknown_department_is_404(client, demo, login, path):
    login(client, demo["prod1"])
    assert client.get(path).status_code == 404


def test_directory_needs_login(client, demo):
    for path in ("/people/", f"/people/{demo['sales1'].id}",
                 f"/people/departments/{demo['sales1'].department_id}"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
