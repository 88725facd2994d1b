"""Pages of hub.search."""
from hub.search import bp  # noqa: F401
