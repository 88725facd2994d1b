"""满意度调查 satisfaction surveys (SPEC §6): HR's anonymous questionnaires and the upward
feedback a team gives about its manager."""
from flask import Blueprint

bp = Blueprint("surveys", __name__)

from hub.surveys import jobs, views  # noqa: F401
