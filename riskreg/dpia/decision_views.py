"""Pages of the approval chain: recording a body's decision, agendas and minutes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("decisions", __name__)
