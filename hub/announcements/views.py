"""Pages of hub.announcements."""
from hub.announcements import bp  # noqa: F401
