"""信息反馈 periodic feedback reports (营销/客服信息反馈): who owes which report for which
period, filing it, and what its recipient sees of a period."""
from flask import Blueprint

bp = Blueprint("feedback", __name__)

from hub.feedback import jobs, views  # noqa: F401
