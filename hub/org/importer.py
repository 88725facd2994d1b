"""Reading and checking an organisation sheet (组织架构导入).

Pure on purpose: bytes and a plain-data picture of the current organisation go in, a plan
with every problem comes out.  Nothing here touches the database, so the dry run, the
re-check before applying, and the tests all reach exactly the same verdict.

The sheet (CSV in UTF-8 with or without BOM, or GBK; or the first worksheet of an .xlsx)
has a header row with 工号, 姓名, 部门 (required) and 上级工号, 职务, 邮箱, 用户名, 试用期满日期
(optional; a date such as 2026-03-31, empty: none).
People are matched by 工号: a known 工号 updates that person, a new one creates a person.
A column that is absent leaves that attribute of existing people alone; a column that is
present is the truth, so an empty 上级工号 means "reports to nobody".  An empty 用户名 keeps
an existing person's username and gives a new person their 工号 in lower case.
部门 is a path from the top ("市场部/华东销售组", also "·" or ">"); a single name that
exists exactly once anywhere in the tree means that department.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

#: Sheet header → attribute.  The order is the template's column order.
COLUMNS = {
    "工号": "employee_no",
    "姓名": "name",
    "部门": "department",
    "上级工号": "manager_no",
    "职务": "title",
    "邮箱": "email",
    "用户名": "username",
    "试用期满日期": "probation_ends_on",
}
REQUIRED = ("employee_no", "name", "department")
HEADERS = {key: header for header, key in COLUMNS.items()}
TEMPLATE_HEADER = list(COLUMNS)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50
#: An .xlsx is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
LENGTHS = {"employee_no": 32, "name": 64, "title": 64, "email": 254, "username": 64}
DEPARTMENT_NAME_LENGTH = 100

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
DEPARTMENT_SEPARATORS = re.compile(r"[/／·・>＞]")
_INVISIBLE = str.maketrans("", "", "\ufeff\u200b\u200c\u200d\u2060")


class SheetError(ValueError):
    """The upload cannot be read as a sheet at all; the message is shown to the admin."""


# --- the data that goes in -------------------------------------------------------------

@dataclass(frozen=True)
class KnownDepartment:
    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class KnownPerson:
    id: int
    username: str
    employee_no: str | None
    name: str
    title: str = ""
    email: str | None = None
    department_id: int | None = None
    manager_id: int | None = None
    active: bool = True
    probation_ends_on: date | None = None


@dataclass
class Organisation:
    """What the database holds now, as plain data."""

    departments: list[KnownDepartment] = field(default_factory=list)
    people: list[KnownPerson] = field(default_factory=list)


@dataclass
class SheetRow:
    number: int  # as the spreadsheet program shows it, header = its own row number
    values: dict[str, str]

    def get(self, key: str) -> str:
        return self.values.get(key, "")


@dataclass
class Sheet:
    columns: frozenset[str]
    rows: list[SheetRow]
    problems: list[Problem] = field(default_factory=list)  # header problems


# --- what comes out --------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    row: int
    message: str
    employee_no: str = ""


@dataclass
class PlannedPerson:
    row: int
    employee_no: str
    name: str
    username: str
    department_path: tuple[str, ...]
    department_id: int | None  # an existing department; None when the import creates it
    title: str = ""
    email: str = ""
    manager_no: str = ""
    probation_ends_on: date | None = None
    existing_id: int | None = None
    changes: list[str] = field(default_factory=list)
    depth: int = 0  # steps up to the top of the reporting line after the import

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


@dataclass
class ImportPlan:
    columns: frozenset[str]
    people: list[PlannedPerson] = field(default_factory=list)
    new_departments: list[tuple[str, ...]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.people)

    @property
    def created(self) -> list[PlannedPerson]:
        return [p for p in self.people if p.is_new]

    @property
    def updated(self) -> list[PlannedPerson]:
        return [p for p in self.people if not p.is_new and p.changes]

    @property
    def unchanged(self) -> list[PlannedPerson]:
        return [p for p in self.people if not p.is_new and not p.changes]

    @property
    def problem_rows(self) -> int:
        return len({p.row for p in self.problems})


def split_department_path(text: str) -> tuple[str, ...]:
    """"市场部 / 华东销售组", "市场部·华东销售组" and "市场部>华东销售组" are one path."""
    return tuple(part.strip() for part in DEPARTMENT_SEPARATORS.split(text) if part.strip())


def normalise_email(text: str) -> str:
    """The e-mail address in its normal form; raises ``ValueError`` with a Chinese message.
    The same rule serves the user form and the import."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(_("邮箱地址格式不正确：%(email)s", email=text.strip())) from exc


def is_valid_username(text: str) -> bool:
    return USERNAME_RE.fullmatch(text) is not None


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_sheet_date(text: str) -> date | None:
    """"2026-03-31", "2026/3/31", "2026.3.31" or "2026年3月31日" (what spreadsheet
    programs write); None for an empty cell.  Raises ``ValueError`` with a Chinese message."""
    text = text.strip()
    if not text:
        return None
    found = _DATE_RE.fullmatch(text.split(" ")[0]) if text[:4].isdigit() else None
    try:
        if found is None:
            raise ValueError(text)
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        raise ValueError(_("日期“%(text)s”无效，请写成 2026-03-31 这样的格式。", text=text)) from None


# --- reading the file ------------------------------------------------------------------

def read_sheet(data: bytes, filename: str = "") -> Sheet:
    """The rows of an uploaded CSV or .xlsx file.  Raises ``SheetError`` for anything that
    is not a readable sheet (empty, too big, a picture, an old .xls …)."""
    if not data.strip():
        raise SheetError(_("上传的文件是空的。"))
    if len(data) > MAX_BYTES:
        raise SheetError(_("文件太大：最多 %(mb)d MB。", mb=MAX_BYTES // (1024 * 1024)))
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith(".xls"):
        raise SheetError(_("不支持旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV 后再上传。"))
    elif b"\x00" in data:
        raise SheetError(_("这不是表格文件：请上传 CSV 或 Excel (.xlsx) 文件。"))
    else:
        raw_rows = _csv_rows(data)
    return _sheet_from_rows(raw_rows)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SheetError(_("Excel 文件解压后过大，无法读取。"))
        with warnings.catch_warnings():
            # openpyxl warns about harmless oddities of other programs' files.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0] if workbook.worksheets else None
                if sheet is None:
                    raise SheetError(_("Excel 文件中没有工作表。"))
                rows = []
                for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                    rows.append([_cell_text(v) for v in values])
                    if len(rows) > MAX_ROWS + 1:
                        break
            finally:
                workbook.close()
    except SheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetError(_("无法读取这个 Excel 文件：请确认它是 .xlsx 格式且没有损坏。")) from exc
    return rows


def _cell_text(value) -> str:
    """Excel hands back numbers for 工号 such as 1001 (as 1001.0) and dates as datetimes."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decode(data: bytes) -> str:
    """UTF-8 (Excel adds a BOM), else GB18030 — the superset of GBK that Chinese Excel
    writes when it saves "CSV"."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV。"))


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(",;\t，", key=first_line.count)
    if delimiter == "，":  # a full-width comma cannot be a csv delimiter for Python's reader
        text, delimiter = text.replace("，", ","), ","
    rows = []
    try:
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values[:MAX_COLUMNS])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise SheetError(_("CSV 文件格式有误：%(error)s", error=str(exc))) from exc
    return rows


def _clean(text: str) -> str:
    return text.translate(_INVISIBLE).strip()


def _sheet_from_rows(raw_rows: Iterable[list[str]]) -> Sheet:
    numbered = [(n, [_clean(v) for v in values]) for n, values in enumerate(raw_rows, 1)]
    numbered = [(n, values) for n, values in numbered if any(values)]
    if not numbered:
        raise SheetError(_("上传的文件是空的。"))
    header_number, header = numbered[0]
    data_rows = numbered[1:]
    if not data_rows:
        raise SheetError(_("表格只有表头，没有人员数据。"))
    if len(data_rows) > MAX_ROWS:
        raise SheetError(_("表格行数太多：一次最多导入 %(rows)d 人。", rows=MAX_ROWS))

    problems: list[Problem] = []
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        key = COLUMNS.get(title.rstrip("*＊ "))
        if key is None:
            continue
        if key in positions:
            problems.append(Problem(header_number, _("表头中“%(column)s”列出现了两次。",
                                                     column=HEADERS[key])))
        else:
            positions[key] = index
    missing = [HEADERS[key] for key in REQUIRED if key not in positions]
    if missing:
        problems.append(Problem(header_number, _("缺少必需的列：%(columns)s（表头应为：%(header)s）。",
                                                 columns="、".join(missing),
                                                 header="、".join(TEMPLATE_HEADER))))
    rows = [
        SheetRow(number, {key: values[i] if i < len(values) else ""
                          for key, i in positions.items()})
        for number, values in data_rows
    ]
    return Sheet(columns=frozenset(positions), rows=rows, problems=problems)


# --- checking the rows against each other and the organisation -------------------------

class _Departments:
    """The department tree for resolving 部门 paths."""

    def __init__(self, departments: list[KnownDepartment]):
        self.by_id = {d.id: d for d in departments}
        self.child = {(d.parent_id, d.name): d for d in departments}
        self.by_name: dict[str, list[KnownDepartment]] = {}
        for d in departments:
            self.by_name.setdefault(d.name, []).append(d)

    def path_of(self, dept_id: int) -> tuple[str, ...]:
        names: list[str] = []
        seen: set[int] = set()
        current = self.by_id.get(dept_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            names.insert(0, current.name)
            current = self.by_id.get(current.parent_id) if current.parent_id else None
        return tuple(names)

    def find(self, path: tuple[str, ...]) -> int | None:
        """The id of the department at exactly this path from the top, if it exists."""
        parent = None
        for name in path:
            found = self.child.get((parent, name))
            if found is None:
                return None
            parent = found.id
        return parent

    def resolve(self, parts: tuple[str, ...]) -> tuple[tuple[str, ...], int | None]:
        """The full path from the top and the existing department's id (None: missing,
        to be created).  Raises ``ValueError`` when a bare name is ambiguous."""
        start: KnownDepartment | None = self.child.get((None, parts[0]))
        if start is None:
            matches = self.by_name.get(parts[0], [])
            if len(matches) > 1:
                raise ValueError(_("有多个部门叫“%(name)s”，请写完整路径，例如 %(example)s。",
                                   name=parts[0],
                                   example="/".join(self.path_of(matches[0].id))))
            start = matches[0] if matches else None
        if start is None:
            return parts, None
        current = start
        for index, name in enumerate(parts[1:], 1):
            nxt = self.child.get((current.id, name))
            if nxt is None:
                return self.path_of(current.id) + parts[index:], None
            current = nxt
        return self.path_of(current.id), current.id


_NEW, _KNOWN = "new", "known"


class _Planner:
    """One pass of checks over the sheet; ``plan()`` runs them in order."""

    def __init__(self, sheet: Sheet, org: Organisation):
        self.sheet = sheet
        self.columns = sheet.columns
        self.departments = _Departments(org.departments)
        self.known_by_id = {p.id: p for p in org.people}
        self.known_by_no = {p.employee_no: p for p in org.people if p.employee_no}
        self.known_by_username = {p.username: p for p in org.people}
        self.problems: list[Problem] = list(sheet.problems)
        self.people: list[PlannedPerson] = []
        self.first_row: dict[str, PlannedPerson] = {}  # 工号 → its first row
        self.sheet_by_id: dict[int, PlannedPerson] = {}  # existing person's id → their row

    def problem(self, row: int, message: str, employee_no: str = "") -> None:
        self.problems.append(Problem(row, message, employee_no))

    def plan(self) -> ImportPlan:
        if self.sheet.problems:
            return ImportPlan(columns=self.columns, problems=self.problems)
        for row in self.sheet.rows:
            person = self.read_row(row)
            if person is not None:
                self.people.append(person)
        self.check_usernames()
        edges = self.check_managers()
        self.check_loops(edges)
        self.describe_changes(edges)
        self.problems.sort(key=lambda p: p.row)
        new_departments = sorted({
            p.department_path[:i]
            for p in self.people if p.department_id is None
            for i in range(1, len(p.department_path) + 1)
            if self.departments.find(p.department_path[:i]) is None
        })
        return ImportPlan(columns=self.columns, people=self.people,
                          new_departments=new_departments, problems=self.problems)

    # -- one row on its own

    def read_row(self, row: SheetRow) -> PlannedPerson | None:
        number = row.number
        employee_no = row.get("employee_no")
        for key in REQUIRED:
            if not row.get(key):
                self.problem(number, _("“%(column)s”不能为空。", column=HEADERS[key]), employee_no)
        for key, limit in LENGTHS.items():
            if len(row.get(key)) > limit:
                self.problem(number, _("“%(column)s”太长：最多 %(limit)d 个字符。",
                                       column=HEADERS[key], limit=limit), employee_no)
        if employee_no in self.first_row:
            self.problem(number, _("工号 %(no)s 与第 %(row)d 行重复。", no=employee_no,
                                   row=self.first_row[employee_no].row), employee_no)
            return None

        known = self.known_by_no.get(employee_no) if employee_no else None
        if known is not None and not known.active:
            self.problem(number, _("工号 %(no)s 是已停用的人员 %(name)s：请先在用户管理中重新启用。",
                                   no=employee_no, name=known.name), employee_no)
        email = self.read_email(row)
        probation_ends_on = self.read_date(row, "probation_ends_on")
        username = self.read_username(row, known)
        path, dept_id = self.read_department(row)

        if not employee_no:
            return None  # without a 工号 the row cannot even be referred to
        person = PlannedPerson(
            row=number, employee_no=employee_no, name=row.get("name"), username=username,
            department_path=path, department_id=dept_id, title=row.get("title"),
            email=email, manager_no=row.get("manager_no"),
            probation_ends_on=probation_ends_on,
            existing_id=known.id if known else None,
        )
        self.first_row[employee_no] = person
        if known is not None:
            self.sheet_by_id[known.id] = person
        return person

    def read_email(self, row: SheetRow) -> str:
        text = row.get("email")
        if not text:
            return ""
        try:
            return normalise_email(text)
        except ValueError as exc:
            self.problem(row.number, str(exc), row.get("employee_no"))
            return text

    def read_date(self, row: SheetRow, key: str) -> date | None:
        try:
            return parse_sheet_date(row.get(key))
        except ValueError as exc:
            self.problem(row.number, f"“{HEADERS[key]}”：{exc}", row.get("employee_no"))
            return None

    def read_username(self, row: SheetRow, known: KnownPerson | None) -> str:
        given = row.get("username").lower()
        if given:
            if not is_valid_username(given):
                self.problem(row.number, _("用户名“%(username)s”无效：只能用小写字母、数字、点、"
                                           "下划线和连字符，并以字母或数字开头。",
                                           username=given), row.get("employee_no"))
            return given
        if known is not None:
            return known.username
        derived = row.get("employee_no").lower()
        if derived and not is_valid_username(derived):
            self.problem(row.number, _("工号 %(no)s 不能直接用作用户名，请在“用户名”列填写用户名。",
                                       no=row.get("employee_no")), row.get("employee_no"))
        return derived

    def read_department(self, row: SheetRow) -> tuple[tuple[str, ...], int | None]:
        parts = split_department_path(row.get("department"))
        if not parts:
            if row.get("department"):
                self.problem(row.number, _("“部门”不能为空。"), row.get("employee_no"))
            return (), None
        too_long = [p for p in parts if len(p) > DEPARTMENT_NAME_LENGTH]
        if too_long:
            self.problem(row.number, _("部门名称太长：最多 %(limit)d 个字符。",
                                       limit=DEPARTMENT_NAME_LENGTH), row.get("employee_no"))
            return parts, None
        try:
            return self.departments.resolve(parts)
        except ValueError as exc:
            self.problem(row.number, str(exc), row.get("employee_no"))
            return parts, None

    # -- rows against each other and the people already there

    def check_usernames(self) -> None:
        """A username belongs to one person: not to two rows, and not to a row when
        somebody else in the hub already holds it (renames never swap names around)."""
        seen: dict[str, PlannedPerson] = {}
        for person in self.people:
            if not person.username:
                continue
            holder = self.known_by_username.get(person.username)
            if holder is not None and holder.id != person.existing_id:
                self.problem(person.row, _("用户名 %(username)s 已被另一人 %(name)s（%(who)s）使用。",
                                           username=person.username, name=holder.name,
                                           who=holder.employee_no or _("无工号")),
                             person.employee_no)
                continue
            other = seen.setdefault(person.username, person)
            if other is not person:
                self.problem(person.row, _("用户名 %(username)s 与第 %(row)d 行重复。",
                                           username=person.username, row=other.row),
                             person.employee_no)

    def node_of(self, person: PlannedPerson) -> tuple[str, object]:
        return (_KNOWN, person.existing_id) if person.existing_id else (_NEW, person.employee_no)

    def check_managers(self) -> dict[tuple, tuple | None]:
        """Each sheet person's manager after the import, as graph nodes; reports unknown,
        self and departed managers on the way."""
        edges: dict[tuple, tuple | None] = {}
        if "manager_no" not in self.columns:
            return edges
        for person in self.people:
            node, no = self.node_of(person), person.manager_no
            edges[node] = None
            if not no:
                continue
            if no == person.employee_no:
                self.problem(person.row, _("上级工号不能是本人的工号。"), person.employee_no)
            elif no in self.first_row:
                edges[node] = self.node_of(self.first_row[no])
            elif no in self.known_by_no:
                manager = self.known_by_no[no]
                if not manager.active:
                    self.problem(person.row, _("上级 %(name)s（%(no)s）已停用。",
                                               name=manager.name, no=no), person.employee_no)
                else:
                    edges[node] = (_KNOWN, manager.id)
            else:
                self.problem(person.row, _("上级工号 %(no)s 既不在表格中，也不是系统中的人员。",
                                           no=no), person.employee_no)
        return edges

    def manager_after(self, node: tuple, edges: dict[tuple, tuple | None]) -> tuple | None:
        if node in edges:
            return edges[node]
        if node[0] == _KNOWN:
            known = self.known_by_id.get(node[1])
            if known is not None and known.manager_id:
                return (_KNOWN, known.manager_id)
        return None

    def label(self, node: tuple) -> str:
        person = (self.first_row if node[0] == _NEW else self.sheet_by_id).get(node[1])
        if person is not None:
            return f"{person.name}（{person.employee_no}）"
        known = self.known_by_id.get(node[1])
        return f"{known.name}（{known.employee_no or known.username}）" if known else "?"

    def check_loops(self, edges: dict[tuple, tuple | None]) -> None:
        """Follows every sheet person's line upwards through the sheet and the people
        already in the hub: coming back to the start is a loop.  Also records each
        person's depth, so that applying top-down never passes through a loop."""
        for person in self.people:
            start = self.node_of(person)
            chain, seen = [start], {start}
            current = self.manager_after(start, edges)
            while current is not None and current not in seen:
                chain.append(current)
                seen.add(current)
                current = self.manager_after(current, edges)
            if current == start:
                self.problem(person.row, _("汇报关系形成环路：%(chain)s。", chain=" → ".join(
                    self.label(n) for n in [*chain, start])), person.employee_no)
            person.depth = len(chain) - 1

    def describe_changes(self, edges: dict[tuple, tuple | None]) -> None:
        for person in self.people:
            known = self.known_by_id.get(person.existing_id) if person.existing_id else None
            if known is None:
                continue
            changes = person.changes
            if person.name != known.name:
                changes.append(_("姓名：%(old)s → %(new)s", old=known.name, new=person.name))
            if person.username != known.username:
                changes.append(_("用户名：%(old)s → %(new)s", old=known.username,
                                 new=person.username))
            if person.department_id != known.department_id:
                old = "/".join(self.departments.path_of(known.department_id)) \
                    if known.department_id else ""
                changes.append(_("部门：%(old)s → %(new)s", old=old,
                                 new="/".join(person.department_path)))
            if "title" in self.columns and person.title != (known.title or ""):
                changes.append(_("职务：%(old)s → %(new)s", old=known.title or "—",
                                 new=person.title or "—"))
            if "email" in self.columns and person.email != (known.email or ""):
                changes.append(_("邮箱：%(old)s → %(new)s", old=known.email or "—",
                                 new=person.email or "—"))
            if "probation_ends_on" in self.columns and \
                    person.probation_ends_on != known.probation_ends_on:
                changes.append(_("试用期满日期：%(old)s → %(new)s",
                                 old=_date_text(known.probation_ends_on),
                                 new=_date_text(person.probation_ends_on)))
            node = self.node_of(person)
            if node in edges:
                before = (_KNOWN, known.manager_id) if known.manager_id else None
                if edges[node] != before:
                    changes.append(_("上级：%(old)s → %(new)s",
                                     old=self.label(before) if before else "—",
                                     new=self.label(edges[node]) if edges[node] else "—"))


def _date_text(day: date | None) -> str:
    return day.isoformat() if day else "—"


def plan_import(sheet: Sheet, org: Organisation) -> ImportPlan:
    """Every problem of ``sheet`` against ``org`` and what applying it would do."""
    return _Planner(sheet, org).plan()


def template_csv() -> bytes:
    """The downloadable template: the header row, UTF-8 with a BOM so Excel opens it."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(TEMPLATE_HEADER)
    return buffer.getvalue().encode("utf-8-sig")


def organisation_csv(org: Organisation) -> bytes:
    """The people in the hub now (those who left are not), in the import's columns: edited
    and uploaded again, it changes exactly what was edited.  UTF-8 with a BOM; a cell that
    starts like a formula (= + - @) is written after a quote so Excel does not run it."""
    departments = _Departments(org.departments)
    by_id = {p.id: p for p in org.people}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADER)
    for person in sorted((p for p in org.people if p.active),
                         key=lambda p: (p.employee_no or "", p.username)):
        manager = by_id.get(person.manager_id) if person.manager_id else None
        values = {
            "employee_no": person.employee_no or "", "name": person.name,
            "department": "/".join(departments.path_of(person.department_id))
            if person.department_id else "",
            "manager_no": (manager.employee_no or "") if manager else "",
            "title": person.title or "", "email": person.email or "",
            "username": person.username, "probation_ends_on": _date_text(
                person.probation_ends_on) if person.probation_ends_on else "",
        }
        writer.writerow([_safe_cell(values[COLUMNS[header]]) for header in TEMPLATE_HEADER])
    return buffer.getvalue().encode("utf-8-sig")


def _safe_cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

