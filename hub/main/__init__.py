from flask import Blueprint

bp = Blueprint("main", __name__)

from hub.main import header, views  # noqa: E402,F401

bp.app_context_processor(header.header_context)
bp.add_app_template_global(header.mailbox_desk, "mailbox_desk")
