"""档案检索 through the API (see API.md)."""
from __future__ import annotations

from hub.api.blueprint import Blueprint

blp = Blueprint("api_search", __name__, url_prefix="/search", description="档案检索")
