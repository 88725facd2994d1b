"""档案检索 the searchable archive (SPEC §5): one Whoosh index, results exactly as permitted."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from hub.search import views  # noqa: E402,F401
