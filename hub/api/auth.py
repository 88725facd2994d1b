"""Tokens (placeholder until built)."""
from flask_smorest import Blueprint

blp = Blueprint("api_auth", __name__, url_prefix="/auth", description="Tokens")


@blp.route("/token", methods=["POST"])
def create_token():
    return {"token": None}, 201
