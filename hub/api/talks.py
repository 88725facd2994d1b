"""沟通与会议 through the API (see API.md)."""
from __future__ import annotations

from hub.api.blueprint import Blueprint

blp = Blueprint("api_talks", __name__, url_prefix="", description="沟通与会议")
