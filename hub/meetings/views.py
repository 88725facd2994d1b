"""Pages of hub.meetings."""
from hub.meetings import bp  # noqa: F401
