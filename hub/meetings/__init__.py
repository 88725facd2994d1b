"""沟通 talks and meetings (SPEC §4): the policy's cadence, scheduling, talk logs, compliance."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from hub.meetings import compliance_views, obligation_jobs, search, views  # noqa: E402,F401
from hub.meetings import summaries_jobs, summaries_views  # noqa: E402,F401
