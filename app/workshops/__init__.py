from flask import Blueprint

bp = Blueprint("workshops", __name__, url_prefix="/f")

from app.workshops import agenda, control, projector, routes  # noqa: E402,F401
