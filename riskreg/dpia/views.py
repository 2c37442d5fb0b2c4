"""Pages of a system's DPIA: screening, sections, risks, suggestions, heat map, submission."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dpia", __name__)
