"""The organisation import through the admin pages: upload, dry run, apply."""
from __future__ import annotations

import io
import re

from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from hub.extensions import db
from hub.org.importer import MAX_BYTES
from hub.org.models import Department, ReportingLine, User

HEADER = "工号,姓名,部门,上级工号,职务,邮箱"
CLEAN = [
    "N001,郑北方,市场部/华北销售组,E0012,销售主管,zheng@demo.example.com",
    "N002,王晓东,市场部/华北销售组,N001,销售专员,",
    "N003,孙丽,研发部>测试组,E0028,测试主管,",
    "N004,周洁,研发部·测试组,N003,测试工程师,",
    "E0014,何磊,华东销售组,E0013,资深销售专员,sales1@demo.example.com",
]


def csv_file(lines, encoding="utf-8-sig", name="org.csv", header=HEADER):
    return io.BytesIO("\r\n".join([header, *lines]).encode(encoding)), name


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, Department, ReportingLine))


def upload(client, post_form, file):
    return post_form(client, "/admin/import", {"file": file},
                     content_type="multipart/form-data")


def apply_token(html: str) -> str:
    return re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', html).group(1)


def person(employee_no: str) -> User | None:
    return db.session.scalar(select(User).where(User.employee_no == employee_no))


def test_dry_run_lists_every_bad_row_and_writes_nothing(admin_client, demo, post_form):
    before = counts()
    response = upload(admin_client, post_form, csv_file([
        "N100,赵一,市场部,E9999,,",          # unknown manager
        "N101,钱二,市场部,N102,,",           # loop: N101 → N102 → N101
        "N102,孙三,市场部,N101,,",
        "N103,李四,市场部,,,li@",            # bad e-mail
        "N103,周五,市场部,,,",               # duplicate 工号
        ",吴六,市场部,,,",                   # missing 工号
        "N105,,,,,",                         # missing 姓名 and 部门
        "N106,郑七,新部门,E0001,,",          # fine on its own
        "E0001,系统管理员,总经办,N106,,",    # loop through an existing account
    ]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "试运行没有写入任何数据" in html
    rows = re.findall(r'data-testid="problem-row"><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)<', html)
    by_row = {}
    for row, _no, message in rows:
        by_row.setdefault(int(row), []).append(message)
    assert "上级工号 E9999 既不在表格中，也不是系统中的人员。" in by_row[2]
    assert any("汇报关系形成环路" in m for m in by_row[3])
    assert any("汇报关系形成环路" in m for m in by_row[4])
    assert "邮箱地址格式不正确：li@" in by_row[5]
    assert "工号 N103 与第 5 行重复。" in by_row[6]
    assert "“工号”不能为空。" in by_row[7]
    assert {"“姓名”不能为空。", "“部门”不能为空。"} <= set(by_row[8])
    assert any("汇报关系形成环路：郑七（N106） → 系统管理员（E0001）" in m for m in by_row[9])
    assert 'data-testid="apply-import"' not in html
    assert counts() == before


def test_clean_import_applies_departments_people_and_reporting_lines(
        admin_client, demo, post_form):
    users_before, depts_before, _lines = counts()
    preview = upload(admin_client, post_form, csv_file(CLEAN)).get_data(as_text=True)
    assert "新建部门：2 个" in preview  # 市场部/华北销售组 and 研发部/测试组
    assert "新建人员：4 人" in preview and "更新人员：1 人" in preview
    assert "职务：销售专员 → 资深销售专员" in preview
    assert counts()[:2] == (users_before, depts_before)  # still a dry run

    response = post_form(admin_client, "/admin/import/apply",
                         {"token": apply_token(preview)}, page="/admin/import")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "导入完成：新建部门 2 个，新建人员 4 人，更新人员 1 人" in html
    assert "新用户还没有密码" in html

    north = person("N001")
    assert north.department.name == "华北销售组"
    assert north.department.parent.name == "市场部"
    assert north.manager == demo["sales_head"] and north.username == "n001"
    assert north.email == "zheng@demo.example.com" and north.password_hash is None
    assert person("N002").manager == north
    tester = person("N004")
    assert tester.department.name == "测试组" and tester.department.parent.name == "研发部"
    assert tester.manager == person("N003")
    db.session.refresh(demo["sales1"])
    assert demo["sales1"].title == "资深销售专员"
    line = db.session.scalar(select(ReportingLine).where(ReportingLine.user_id == north.id))
    assert line.manager_id == demo["sales_head"].id and line.changed_by_id == demo["admin"].id
    assert counts()[:2] == (users_before + 4, depts_before + 2)

    # The stored upload is used up: applying twice does nothing.
    again = post_form(admin_client, "/admin/import/apply", {"token": apply_token(preview)},
                      page="/admin/import")
    assert again.status_code == 302
    assert "请重新上传" in admin_client.get("/admin/").get_data(as_text=True)
    assert counts()[:2] == (users_before + 4, depts_before + 2)


def test_reimporting_the_same_sheet_changes_nothing(admin_client, demo, post_form):
    first = upload(admin_client, post_form, csv_file(CLEAN)).get_data(as_text=True)
    post_form(admin_client, "/admin/import/apply", {"token": apply_token(first)},
              page="/admin/import")
    before = counts()
    second = upload(admin_client, post_form, csv_file(CLEAN)).get_data(as_text=True)
    assert "新建人员：0 人" in second and "更新人员：0 人" in second and "无变化：5 人" in second
    post_form(admin_client, "/admin/import/apply", {"token": apply_token(second)},
              page="/admin/import")
    assert counts() == before


def test_xlsx_upload(admin_client, demo, post_form):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "姓名", "部门", "上级工号", "职务", "邮箱", "用户名"])
    sheet.append([2001, "冯晓", "客服部", "E0009", "客服专员", None, "feng.xiao"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    preview = upload(admin_client, post_form, (buffer, "员工.xlsx")).get_data(as_text=True)
    assert "新建人员：1 人" in preview
    post_form(admin_client, "/admin/import/apply", {"token": apply_token(preview)},
              page="/admin/import")
    created = person("2001")
    assert created.username == "feng.xiao" and created.manager == demo["cs_head"]


def test_gbk_csv_upload(admin_client, demo, post_form):
    preview = upload(admin_client, post_form, csv_file(
        ["N200,欧阳娜,生产部,E0020,生产员工,"], encoding="gbk")).get_data(as_text=True)
    assert "欧阳娜" in preview and "新建人员：1 人" in preview


def test_bad_files_give_a_message_not_an_error(admin_client, demo, post_form):
    before = counts()
    cases = [
        ((io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00IHDR"), "photo.png"), "不是表格文件"),
        ((io.BytesIO(b""), "empty.csv"), "上传的文件是空的"),
        ((io.BytesIO(b"\r\n"), "blank.csv"), "上传的文件是空的"),
        ((io.BytesIO(b"PK\x03\x04broken"), "broken.xlsx"), "无法读取这个 Excel 文件"),
        (csv_file(["E1,张三"], header="工号,姓名"), "缺少必需的列：部门"),
    ]
    for file, message in cases:
        response = upload(admin_client, post_form, file)
        assert response.status_code == 200, message
        assert message in response.get_data(as_text=True)
    assert counts() == before


def test_oversized_file(admin_client, demo, post_form, get_csrf):
    # Encoded in memory: the test client would spool a body this big to a temporary file
    # that it never closes (a ResourceWarning, which the suite treats as an error).
    boundary, body = encode_multipart({
        "csrf_token": get_csrf(admin_client, "/admin/import"),
        "file": FileStorage(io.BytesIO(b"a" * (MAX_BYTES + 10)), "big.csv")})
    response = admin_client.post("/admin/import", data=body,
                                 content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200
    assert "文件太大：最多 2 MB" in response.get_data(as_text=True)


def test_upload_without_a_file(admin_client, demo, post_form):
    response = post_form(admin_client, "/admin/import", {})
    assert "请选择要上传的文件" in response.get_data(as_text=True)


def test_apply_refuses_forged_or_foreign_tokens(app, admin_client, demo, post_form,
                                                create_user, login):
    other_admin = app.test_client()
    login(other_admin, create_user("admin2", roles=["admin"]))
    preview = upload(admin_client, post_form, csv_file(CLEAN)).get_data(as_text=True)
    token = apply_token(preview)
    before = counts()
    for forged in ("../../secret_key", "0" * 32, token.upper(), ""):
        response = post_form(admin_client, "/admin/import/apply", {"token": forged},
                             page="/admin/import")
        assert response.status_code == 302
    # Another admin cannot apply somebody else's dry run.
    assert post_form(other_admin, "/admin/import/apply", {"token": token},
                     page="/admin/import").status_code == 302
    assert counts() == before
    # The uploader still can.
    assert post_form(admin_client, "/admin/import/apply", {"token": token},
                     page="/admin/import").status_code == 200
    assert counts()[0] == before[0] + 4


def test_apply_rechecks_against_the_hub_as_it_is_now(admin_client, demo, post_form,
                                                     create_user):
    preview = upload(admin_client, post_form, csv_file(CLEAN)).get_data(as_text=True)
    before = counts()
    create_user("n001", name="抢先的人")  # takes N001's username in the meantime
    response = post_form(admin_client, "/admin/import/apply", {"token": apply_token(preview)},
                         page="/admin/import")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "未导入任何内容" in html and "用户名 n001 已被另一人 抢先的人" in html
    assert counts()[0] == before[0] + 1  # only the user created by the test


def test_template_download(admin_client):
    response = admin_client.get("/admin/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig").strip() == "工号,姓名,部门,上级工号,职务,邮箱,用户名,试用期满日期"
