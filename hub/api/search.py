"""档案检索 through the API (see API.md): the same ``hub.search.query.search`` as the page,
so the caller finds, counts and sees snippets of exactly what they may open."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import PageArgs, Schema, Text, Timestamp
from hub.search.query import MAX_QUERY, SORTS, search

blp = Blueprint("api_search", __name__, url_prefix="/search", description="档案检索")

KINDS = ("letter", "report", "announcement", "talk")


class SearchArgs(PageArgs):
    q = Text(load_default="", validate=validate.Length(0, MAX_QUERY), metadata={
        "description": "关键词；空格分隔表示同时包含，\"短语\"，OR，-排除；登记编号精确匹配"})
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    department_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))
    status = fields.String(load_default=None, validate=validate.Length(1, 20))
    from_ = fields.Date(data_key="from", load_default=None, metadata={"description": "YYYY-MM-DD"})
    to = fields.Date(load_default=None, metadata={"description": "YYYY-MM-DD（含当天）"})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class SearchHitSchema(Schema):
    computed = {"snippet": lambda hit: str(hit.snippet),
                "title": lambda hit: str(hit.title.striptags()) if hit.title else ""}

    kind = fields.String(metadata={"enum": list(KINDS)})
    id = fields.Integer()
    number = fields.String(metadata={"description": "登记编号"})
    title = fields.String()
    snippet = fields.String(metadata={"description": "HTML：已转义，命中的词在 <mark> 中"})
    url = fields.String(metadata={"description": "页面地址"})
    date = Timestamp(allow_none=True)
    status = fields.String()
    department_id = fields.Integer(allow_none=True)


class FacetSchema(Schema):
    value = fields.String()
    count = fields.Integer()


class SearchResultSchema(Schema):
    items = fields.List(fields.Nested(SearchHitSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetSchema)),
                         metadata={"description": "kind / department / status → 各值的条数"})
    unavailable = fields.Boolean(metadata={"description": "索引正在重建，稍后再试"})


@blp.route("", methods=["GET"])
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchResultSchema)
def search_archive(args):
    """Search letters, reports, announcements and talk logs the caller may open.

    Totals and facet counts only count what the caller may open; a query the parser cannot
    read is searched as plain words."""
    results = search(current_user, args["q"], kinds=[args["kind"]] if args["kind"] else None,
                     department_id=args["department_id"], status=args["status"],
                     date_from=args["from_"], date_to=args["to"], sort=args["sort"],
                     page=args["page"], per_page=args["per_page"])
    facets = {name: [{"value": v, "count": c} for v, c in pairs]
              for name, pairs in results.facets.items()}
    return {"items": results.hits, "total": results.total, "page": results.page,
            "per_page": results.per_page, "facets": facets,
            "unavailable": results.unavailable}
