"""Schemas and fields shared by every part of ``/api/v1``: the person and department
objects of API.md, timestamps, list envelopes and their paging arguments, ids of rows."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import fields, validate

from hub.common.converters import MAX_ID
from hub.common.time import isoformat
from hub.extensions import db
from hub.org.permissions import can_view_person

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
# Bounds OFFSET (page × per_page) far below any integer limit of the database.
MAX_PAGE = 10_000


class Schema(ma.Schema):
    """Base of the hub's API schemas.

    ``computed`` maps a field name to a function of the object being dumped, for values
    that are not plain attributes (direct reports, sorted roles).  The field keeps its
    declared type, so the OpenAPI document stays exact, which ``fields.Function`` would not.
    """

    computed: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    def get_attribute(self, obj, attr, default):
        compute = self.computed.get(attr)
        return compute(obj) if compute else super().get_attribute(obj, attr, default)


# --- fields ----------------------------------------------------------------------------

class Text(fields.String):
    """A string the database can store: PostgreSQL refuses NUL characters (SQLite takes
    them) and UTF-8 cannot encode a lone surrogate, so such input is the same 400 on both
    instead of a 500.  (``hub.common.input`` refuses it for every request already; this
    keeps the schemas right when they load data from elsewhere.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A required text is never empty: the services refuse "" (or only spaces), and
        # the document says so (minLength 1) unless a length is given already.
        if self.required and not any(isinstance(v, validate.Length) for v in self.validators):
            self.validators.insert(0, validate.Length(min=1, error=_l("请填写此项。")))

    def _deserialize(self, value, attr, data, **kwargs):
        from hub.common.input import problem

        text = super()._deserialize(value, attr, data, **kwargs)
        message = problem(text, dates=False)
        if message:
            raise ma.ValidationError(message)
        return text


class Timestamp(fields.DateTime):
    """A stored (naive UTC) time as ISO 8601 with the company's offset, as API.md says."""

    def _serialize(self, value, attr, obj, **kwargs):
        return isoformat(value)


class RowId(fields.Integer):
    """The id of an existing row in a request; loads as the row itself.

    Use with ``data_key``: ``department = RowId(Department, data_key="department_id")``.
    Only for rows everybody may know exist (departments, not letters): a missing row is
    a validation error here, where a hidden item must be a 404.
    """

    def __init__(self, model, **kwargs):
        metadata = {"minimum": 1, "maximum": MAX_ID, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.model = model

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        row = db.session.get(self.model, number) if 1 <= number <= MAX_ID else None
        if row is None:
            raise ma.ValidationError(_("不存在。"))
        return row

    def _serialize(self, value, attr, obj, **kwargs):
        return value.id if value is not None else None


# --- people and departments ------------------------------------------------------------

class DepartmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)


class PersonSchema(Schema):
    """A person inside any object (API.md)."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    title = fields.String()
    department = fields.Nested(DepartmentSchema)


class PersonRef(fields.Nested):
    """A person inside another object, as the caller may see them: somebody who has left
    is ``null`` for everyone but the admin (the directory's rule)."""

    def __init__(self, **kwargs):
        super().__init__(PersonSchema, allow_none=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None or not can_view_person(current_user, value):
            return None
        return super()._serialize(value, attr, obj, **kwargs)


# --- attachments -----------------------------------------------------------------------

class AttachmentInfoSchema(Schema):
    """An attachment inside a letter, a report or an announcement."""

    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer(metadata={"description": "字节数"})


# --- lists -----------------------------------------------------------------------------

class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE,
                              validate=validate.Range(1, MAX_PER_PAGE))


_page_schemas: dict[type[Schema], type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The list envelope ``{"items","total","page","per_page"}`` around ``item_schema``
    (one class per item schema, so the OpenAPI document names each once)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
        })
    return _page_schemas[item_schema]


def page_from_list(items: Sequence, page: int, per_page: int) -> dict:
    """An envelope cut from a short list that is already in memory."""
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "total": len(items), "page": page,
            "per_page": per_page}


# --- errors (for the OpenAPI document; hub.common.errors builds the responses) ---------

class ErrorDetailSchema(Schema):
    code = fields.String(metadata={"enum": ["validation_error", "unauthorized", "forbidden",
                                            "not_found", "method_not_allowed", "conflict",
                                            "rate_limited", "unavailable"]})
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(),
                          metadata={"description": "字段 → 错误信息列表（仅校验错误）"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema)


# --- per-viewer views ------------------------------------------------------------------

class ViewSchema(Schema):
    """Dumps an ``hub.common.access.ItemView``: only the fields the view shows, read through
    the view (so values the access module computed win over the item's attributes).  The
    schema never decides visibility itself; the feature's ``access.py`` does."""

    def get_attribute(self, obj, attr, default):
        compute = self.computed.get(attr)
        if compute:
            return compute(obj)
        return getattr(obj, attr, default)

    @ma.post_dump(pass_original=True)
    def _only_visible(self, data, original, **kwargs):
        fields_ = getattr(original, "fields", None)
        if fields_ is None:
            return data
        return {key: value for key, value in data.items()
                if self.fields[self._data_key_to_name(key)].attribute in fields_
                or self._data_key_to_name(key) in fields_}

    def _data_key_to_name(self, key: str) -> str:
        for name, field in self.fields.items():
            if (field.data_key or name) == key:
                return name
        return key
