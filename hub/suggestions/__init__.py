"""合理化建议与举报: suggestions, complaints and reports routed to handling units (SPEC §2)."""
from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from hub.suggestions import jobs, search, stats_views, views  # noqa: E402,F401
