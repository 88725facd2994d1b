"""责任追究: the accountability register.

Lapses the policy names — handling past its deadline, routine talks missed, announcements
never confirmed after escalation, rectifications past due, periodic feedback reports not
filed — open an entry against the person responsible; HR decides on it and the person may
appeal.  Each feature says which lapses it has (``hub.accountability.sources``); this
package keeps the register.
"""
from flask import Blueprint

bp = Blueprint("accountability", __name__)

from hub.accountability import jobs, views  # noqa: E402,F401
