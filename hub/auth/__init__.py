from flask import Blueprint

from hub.auth.access import navigation

bp = Blueprint("auth", __name__)
#: The header asks which role-dependent entries the signed-in person sees.
bp.add_app_template_global(navigation, "navigation")

from hub.auth import views  # noqa: E402,F401
