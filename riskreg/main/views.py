"""Front page and the language switch."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user
from werkzeug.wrappers import Response

from riskreg.auth.permissions import Permission, requires
from riskreg.enums import SystemStatus
from riskreg.extensions import db
from riskreg.i18n import current_language
from riskreg.main.attention import attention
from riskreg.security import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@requires(Permission.READ)
def index() -> str:
    today = dt.date.today()
    data = attention(db.session(), today, current_app.config["REVIEW_HORIZON_DAYS"])
    return render_template(
        "main/index.html", a=data, today=today, statuses=list(SystemStatus), lang=current_language()
    )


@bp.route("/language", methods=["POST"])
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
