"""Excel exports as people print them: numbers are numbers, dates are dates, only
formula-like text is quoted text; every sheet has its own column widths, its header repeated
on every page, landscape when wide and fit-to-width (issue 14, problems 6 and 13)."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from hub.announcements import services as an
from hub.common.spreadsheets import workbook
from hub.extensions import db
from hub.mailbox import services as mb

FORMULAS = ["=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


def book_of(data: bytes):
    return load_workbook(io.BytesIO(data))


def assert_prints_fit_to_width(sheet) -> None:
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.print_title_rows == "$1:$1"  # the header on every printed page


def test_cells_keep_their_types_and_formula_like_text_stays_text():
    data = workbook([("数据", [
        ["文字", "整数", "金额", "小数", "日期", "时间"],
        ["普通文字", 42, Decimal("500.00"), 2.5, date(2026, 9, 3), datetime(2026, 9, 3, 14, 5)],
        *[[text, None, None, None, None, None] for text in FORMULAS],
        ["0042", "", None, None, None, None],
    ])])
    sheet = book_of(data)["数据"]
    row = [c for c in sheet[2]]
    assert [c.data_type for c in row] == ["s", "n", "n", "n", "d", "d"]
    assert row[1].value == 42 and row[2].value == 500 and row[3].value == 2.5
    assert row[4].value == datetime(2026, 9, 3) and row[4].number_format == "yyyy-mm-dd"
    assert row[5].value == datetime(2026, 9, 3, 14, 5)
    assert row[5].number_format == "yyyy-mm-dd hh:mm"
    assert row[2].number_format == "#,##0.00"
    quoted = [sheet.cell(row=r, column=1) for r in range(3, 3 + len(FORMULAS))]
    assert [c.value for c in quoted] == FORMULAS
    # Stored as text with Excel's quote prefix: never a formula, not even after an edit.
    assert all(c.data_type == "s" and c.quotePrefix for c in quoted)
    assert not row[0].quotePrefix  # plain text is plain text
    last = sheet.cell(row=3 + len(FORMULAS), column=1)
    assert last.value == "0042" and last.data_type == "s"  # text that looks like a number
    assert sheet.cell(row=3 + len(FORMULAS), column=2).value is None  # "" is an empty cell
    # The file itself holds no formula element at all.
    with __import__("zipfile").ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_each_sheet_has_its_own_widths_and_orientation():
    narrow = [["项目", "数值"], ["收信", 9]]
    wide = [["编号", "标题", "说明"], ["WT-2026-000001", "很长的标题" * 4, "x" * 120]]
    book = book_of(workbook([("窄", narrow), ("宽", wide)]))
    narrow_sheet, wide_sheet = book["窄"], book["宽"]
    widths = {name: [sheet.column_dimensions[c].width for c in "ABC"]
              for name, sheet in (("窄", narrow_sheet), ("宽", wide_sheet))}
    assert widths["窄"][:2] == [6, 6]  # "项目" is four columns wide: the minimum holds
    assert widths["宽"][0] == len("WT-2026-000001") + 2
    assert widths["宽"][1] == 5 * 4 * 2 + 2  # a Chinese character counts two
    assert widths["宽"][2] == 50  # capped, and the long text wraps in it
    assert wide_sheet["C2"].alignment.wrap_text
    assert narrow_sheet.page_setup.orientation == "portrait"
    assert wide_sheet.page_setup.orientation == "landscape"
    for sheet in book:
        assert_prints_fit_to_width(sheet)


def test_the_mailbox_statistics_have_numbers_dates_and_a_page_setup_per_sheet(
        client, demo, login):
    mb.file_letter(demo["sales1"], subject="=HYPERLINK(\"http://x\")", body="b",
                   category="other")
    db.session.commit()
    login(client, demo["gmo"])
    from hub.common.months import Month
    from hub.common.time import utcnow

    month = Month.of(utcnow())
    book = book_of(client.get(f"/mailbox/stats.xlsx?month={month}").data)
    summary = {row[0].value: row[1] for row in book["概况"].iter_rows(min_row=2)}
    assert summary["收信"].data_type == "n" and summary["收信"].value >= 1
    assert summary["导出时间"].is_date
    letters = list(book["来信明细"].iter_rows(min_row=2))
    mine = [row for row in letters if row[3].value == "=HYPERLINK(\"http://x\")"]
    assert mine and mine[0][3].data_type == "s" and mine[0][3].quotePrefix
    assert mine[0][1].is_date  # the filing day
    widths = {sheet.title: tuple(d.width for _, d in sorted(sheet.column_dimensions.items()))
              for sheet in book}
    assert len(set(widths.values())) == len(widths)  # no one list for every sheet
    assert book["来信明细"].page_setup.orientation == "landscape"
    assert book["概况"].page_setup.orientation == "portrait"
    for sheet in book:
        assert_prints_fit_to_width(sheet)


def test_the_confirmation_list_prints_its_status_on_the_first_page(app, demo, login):
    announcement = an.publish(demo["gmo"], title="差旅报销制度", kind="policy", body="见附件。",
                              audience=an.Audience(everyone=True), requires_confirmation=True)
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    client = app.test_client()
    login(client, demo["gmo"])
    response = client.get(f"/announcements/{announcement.id}/confirmations.xlsx")
    assert response.status_code == 200
    sheet = book_of(response.data).active
    header = [c.value for c in sheet[1]]
    status = header.index("状态") + 1
    assert_prints_fit_to_width(sheet)  # every column, the status too, on the page's width
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["sales1"][status - 1].value == "已确认"
    assert rows["sales1"][status].is_date  # the confirmation time is a time
    assert rows["sales2"][status].value is None
