"""The organisation sheet checks (``hub.org.importer``): plain data in, problems out.
No database and no app: these run once, not per backend."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from hub.org.importer import (
    MAX_BYTES,
    MAX_ROWS,
    KnownDepartment,
    KnownPerson,
    Organisation,
    SheetError,
    plan_import,
    read_sheet,
    split_department_path,
    template_csv,
)

HEADER = "工号,姓名,部门,上级工号,职务,邮箱"

#: 总经办 ← 王总 (E1); 市场部 ← 钱经理 (E2) → 华东销售组 ← 冯主管 (E3); 老员工 (E9) left.
ORG = Organisation(
    departments=[KnownDepartment(1, "总经办", None), KnownDepartment(2, "市场部", None),
                 KnownDepartment(3, "华东销售组", 2)],
    people=[
        KnownPerson(101, "e1", "E1", "王总", "总经理", "wang@example.com", 1, None),
        KnownPerson(102, "e2", "E2", "钱经理", "市场部经理", None, 2, 101),
        KnownPerson(103, "feng", "E3", "冯主管", "销售主管", None, 3, 102),
        KnownPerson(109, "e9", "E9", "老员工", "", None, 3, 103, active=False),
        KnownPerson(110, "admin", None, "系统管理员", "", None, 1, None),
    ],
)


def csv_bytes(*lines: str, encoding: str = "utf-8-sig", header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


def plan(*lines: str, header: str = HEADER, org: Organisation = ORG):
    return plan_import(read_sheet(csv_bytes(*lines, header=header)), org)


def problems(result) -> list[tuple[int, str]]:
    return [(p.row, p.message) for p in result.problems]


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading files ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(encoding):
    sheet = read_sheet(csv_bytes("E5,张伟,市场部/华东销售组,E3,销售专员,zw@example.com",
                                 encoding=encoding))
    assert sheet.problems == []
    assert sheet.columns == {"employee_no", "name", "department", "manager_no", "title", "email"}
    [row] = sheet.rows
    assert (row.number, row.get("name"), row.get("department")) == (2, "张伟", "市场部/华东销售组")


def test_csv_with_semicolons_tabs_blank_lines_and_padding():
    text = "工号;姓名;部门\n\n E5 ; 张伟 ;市场部\n".encode()
    sheet = read_sheet(text)
    assert [(r.number, r.get("employee_no"), r.get("name")) for r in sheet.rows] == [
        (3, "E5", "张伟")]
    tabbed = read_sheet("工号\t姓名\t部门\nE6\t李娜\t市场部\n".encode("gbk"))
    assert tabbed.rows[0].get("name") == "李娜"


def test_xlsx_first_sheet_with_numbers_as_employee_numbers():
    data = xlsx_bytes([["工号", "姓名", "部门", "上级工号"], [1001, "张伟", "市场部", None],
                       [1002.0, "李娜", "市场部", 1001], [None, None, None, None]])
    sheet = read_sheet(data, "org.xlsx")
    assert [(r.number, r.get("employee_no"), r.get("manager_no")) for r in sheet.rows] == [
        (2, "1001", ""), (3, "1002", "1001")]


def test_optional_username_column_and_marked_headers():
    sheet = read_sheet("工号*,姓名*,部门*,用户名\nE5,张伟,市场部,zhang.wei\n".encode())
    assert sheet.rows[0].get("username") == "zhang.wei"


@pytest.mark.parametrize("data, message", [
    (b"", "空的"),
    (b"  \r\n ", "空的"),
    (",,,\n,,\n".encode(), "空的"),
    (HEADER.encode(), "没有人员数据"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是表格文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"PK\x03\x04 not really a zip", "无法读取这个 Excel 文件"),
    (b"x" * (MAX_BYTES + 1), "文件太大"),
])
def test_unreadable_files_give_a_message(data, message):
    with pytest.raises(SheetError) as error:
        read_sheet(data)
    assert message in str(error.value)


def test_a_word_document_is_not_a_sheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SheetError, match="Excel"):
        read_sheet(buffer.getvalue(), "letter.docx")


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (65 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_BYTES
    with pytest.raises(SheetError, match="解压后过大"):
        read_sheet(buffer.getvalue())


def test_too_many_rows():
    data = csv_bytes(*(f"E{n},人{n},市场部,,," for n in range(MAX_ROWS + 1)))
    with pytest.raises(SheetError, match=str(MAX_ROWS)):
        read_sheet(data)


def test_missing_and_doubled_columns_are_header_problems():
    result = plan("张伟,E5", header="姓名,工号")
    assert problems(result) == [(1, "缺少必需的列：部门（表头应为：工号、姓名、部门、上级工号、职务、邮箱、用户名、试用期满日期）。")]
    assert not result.ok and result.people == []
    doubled = plan("E5,张伟,市场部,市场部", header="工号,姓名,部门,部门")
    assert problems(doubled) == [(1, "表头中“部门”列出现了两次。")]


def test_department_paths():
    assert split_department_path("市场部/华东销售组") == ("市场部", "华东销售组")
    assert split_department_path(" 市场部 · 华东销售组 ") == ("市场部", "华东销售组")
    assert split_department_path("市场部>华东销售组＞一班") == ("市场部", "华东销售组", "一班")
    assert split_department_path(" / ") == ()


def test_template_has_the_header_row_and_a_bom():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").strip() == "工号,姓名,部门,上级工号,职务,邮箱,用户名,试用期满日期"


# --- checking rows ---------------------------------------------------------------------

def test_a_clean_sheet_plans_departments_people_and_lines():
    result = plan(
        "E10,张伟,市场部/华北销售组,E2,销售主管,zhang@example.com",
        "E11,李娜,市场部·华北销售组,E10,销售专员,",
        "E12,赵强,研发部>测试组,E11,测试,",
        "E3,冯主管,华东销售组,E2,销售主管,",
    )
    assert result.problems == [] and result.ok
    assert result.new_departments == [("市场部", "华北销售组"), ("研发部",), ("研发部", "测试组")]
    assert [(p.employee_no, p.username, p.department_path, p.department_id, p.depth)
            for p in result.people] == [
        ("E10", "e10", ("市场部", "华北销售组"), None, 2),
        ("E11", "e11", ("市场部", "华北销售组"), None, 3),
        ("E12", "e12", ("研发部", "测试组"), None, 4),
        ("E3", "feng", ("市场部", "华东销售组"), 3, 2),  # a bare name that exists once
    ]
    assert [p.employee_no for p in result.created] == ["E10", "E11", "E12"]
    assert result.updated == [] and [p.employee_no for p in result.unchanged] == ["E3"]


def test_missing_values_bad_email_and_too_long_values_name_the_row():
    result = plan(
        ",张伟,市场部,,,",
        "E20,,市场部,,,",
        "E21,李娜,,,,",
        "E22,王芳,市场部,,,wang@@example",
        "E23,刘洋,/,,,",
        f"E24,{'长' * 65},市场部,,,",
    )
    assert problems(result) == [
        (2, "“工号”不能为空。"),
        (3, "“姓名”不能为空。"),
        (4, "“部门”不能为空。"),
        (5, "邮箱地址格式不正确：wang@@example"),
        (6, "“部门”不能为空。"),
        (7, "“姓名”太长：最多 64 个字符。"),
    ]
    assert not result.ok


def test_duplicate_employee_numbers_and_usernames():
    result = plan(
        "E30,张伟,市场部,,,",
        "E31,李娜,市场部,,,",
        "E30,张伟二,市场部,,,",
        "e30,张伟三,市场部,,,",
    )
    assert problems(result) == [
        (4, "工号 E30 与第 2 行重复。"),
        (5, "用户名 e30 与第 2 行重复。"),
    ]


def test_username_clash_with_a_different_existing_person():
    result = plan("E40,张伟,市场部,,,,feng", "E41,李娜,市场部,,,,admin", "E3,冯主管,市场部,,,,feng",
                  header=HEADER + ",用户名")
    assert problems(result) == [
        (2, "用户名 feng 已被另一人 冯主管（E3）使用。"),
        (3, "用户名 admin 已被另一人 系统管理员（无工号）使用。"),
    ]
    invalid = plan("E42,王芳,市场部,,,,王芳", header=HEADER + ",用户名")
    assert "用户名“王芳”无效" in problems(invalid)[0][1]
    unusable = plan("工-1,王芳,市场部,,,")
    assert "不能直接用作用户名" in problems(unusable)[0][1]


def test_unknown_self_and_departed_managers():
    result = plan(
        "E50,张伟,市场部,E404,,",
        "E51,李娜,市场部,E51,,",
        "E52,王芳,市场部,E9,,",
        "E53,刘洋,市场部,E50,,",  # a manager from the sheet
        "E54,陈晨,市场部,E1,,",  # a manager already in the hub
    )
    assert problems(result) == [
        (2, "上级工号 E404 既不在表格中，也不是系统中的人员。"),
        (3, "上级工号不能是本人的工号。"),
        (4, "上级 老员工（E9）已停用。"),
    ]


def test_loop_inside_the_sheet():
    result = plan("E60,甲,市场部,E62,,", "E61,乙,市场部,E60,,", "E62,丙,市场部,E61,,",
                  "E63,丁,市场部,E60,,")
    assert problems(result) == [
        (2, "汇报关系形成环路：甲（E60） → 丙（E62） → 乙（E61） → 甲（E60）。"),
        (3, "汇报关系形成环路：乙（E61） → 甲（E60） → 丙（E62） → 乙（E61）。"),
        (4, "汇报关系形成环路：丙（E62） → 乙（E61） → 甲（E60） → 丙（E62）。"),
    ]  # 丁 reports into the loop but is not part of it


def test_loop_through_people_already_in_the_hub():
    # In the hub: 冯主管 (E3) → 钱经理 (E2) → 王总 (E1).  The sheet makes 王总 report to a
    # newcomer who reports to 冯主管: the loop runs through E3 and E2, who are not listed.
    result = plan("E70,新总监,市场部,E3,,", "E1,王总,总经办,E70,总经理,wang@example.com")
    assert problems(result) == [
        (2, "汇报关系形成环路：新总监（E70） → 冯主管（E3） → 钱经理（E2） → 王总（E1） → "
            "新总监（E70）。"),
        (3, "汇报关系形成环路：王总（E1） → 新总监（E70） → 冯主管（E3） → 钱经理（E2） → "
            "王总（E1）。"),
    ]


def test_turning_a_line_around_is_not_a_loop():
    # 钱经理 reported to 王总; now 王总 reports to 钱经理, who reports to nobody.
    result = plan("E2,钱经理,市场部,,市场部经理,", "E1,王总,总经办,E2,总经理,wang@example.com")
    assert result.ok
    assert {p.employee_no: p.depth for p in result.people} == {"E2": 0, "E1": 1}
    assert result.people[1].changes == ["上级：— → 钱经理（E2）"]
    assert result.people[0].changes == ["上级：王总（E1） → —"]


def test_departed_people_are_not_silently_updated():
    result = plan("E9,老员工,市场部,,,")
    assert problems(result) == [
        (2, "工号 E9 是已停用的人员 老员工：请先在用户管理中重新启用。")]


def test_changes_of_existing_people_are_described():
    result = plan("E3,冯涛,市场部,E1,高级主管,feng@example.com,feng.tao",
                  header=HEADER + ",用户名")
    [person] = result.updated
    assert person.existing_id == 103
    assert person.changes == [
        "姓名：冯主管 → 冯涛", "用户名：feng → feng.tao", "部门：市场部/华东销售组 → 市场部",
        "职务：销售主管 → 高级主管", "邮箱：— → feng@example.com",
        "上级：钱经理（E2） → 王总（E1）"]


def test_absent_columns_leave_people_alone():
    result = plan("E3,冯主管,华东销售组", "E80,新人,华东销售组", header="工号,姓名,部门")
    assert result.ok and result.unchanged[0].employee_no == "E3"
    assert result.columns == {"employee_no", "name", "department"}


def test_ambiguous_bare_department_name():
    org = Organisation(departments=[
        KnownDepartment(1, "市场部", None), KnownDepartment(2, "综合组", 1),
        KnownDepartment(3, "生产部", None), KnownDepartment(4, "综合组", 3)])
    result = plan("E90,张伟,综合组,,,", "E91,李娜,生产部/综合组,,,", org=org)
    assert problems(result) == [
        (2, "有多个部门叫“综合组”，请写完整路径，例如 市场部/综合组。")]
    assert result.people[1].department_id == 4


def test_every_problem_row_is_reported_not_just_the_first():
    lines = [f"E{n},人{n},市场部,E999,," for n in range(100, 160)]
    result = plan(*lines)
    assert [row for row, _message in problems(result)] == list(range(2, 62))
    assert result.problem_rows == 60
