"""公告 through the API (see API.md)."""
from __future__ import annotations

from hub.api.blueprint import Blueprint

blp = Blueprint("api_announcements", __name__, url_prefix="/announcements", description="公告")
