"""Log in and out, own account, and user administration (admin)."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from riskreg.auth import services
from riskreg.auth.forms import LoginForm, NewUserForm, PasswordChangeForm, UserForm
from riskreg.auth.models import User
from riskreg.auth.passwords import generate_password, verify_password
from riskreg.auth.permissions import Permission, requires
from riskreg.bodies.models import ApprovalBody
from riskreg.enums import Role
from riskreg.errors import DomainError
from riskreg.extensions import db, limiter
from riskreg.forms import select_choices
from riskreg.listing import apply_sort, contains, paginate, sort_key
from riskreg.security import safe_next
from riskreg.views import save_form, toggle_archived

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session(), form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            if user.locale:
                session["lang"] = user.locale
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(Permission.AUTHENTICATED)
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@requires(Permission.AUTHENTICATED)
def account() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data or ""):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                services.set_password(db.session(), current_user, form.password.data or "")
            except DomainError as exc:
                form.password.errors.append(exc.message)
            else:
                flash(_("Your password is changed."), "success")
                return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/account.html", form=form), status


def _body_choices(form: UserForm) -> None:
    bodies = db.session.scalars(
        select(ApprovalBody).where(ApprovalBody.is_archived.is_(False)).order_by(ApprovalBody.position)
    )
    form.approval_body_id.choices = select_choices([("", _("— none —"))] + [(b.id, b.name) for b in bodies])


USER_SORTS = {"email": User.email, "name": User.name, "role": User.role, "last_login": User.last_login_at}


@bp.route("/users")
@requires(Permission.MANAGE_USERS)
def users() -> str:
    stmt = select(User)
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(or_(contains(User.email, q), contains(User.name, q)))
    role = request.args.get("role", "")
    if role in Role.__members__.values():
        stmt = stmt.where(User.role == Role(role))
    if request.args.get("archived") != "1":
        stmt = stmt.where(User.is_archived.is_(False))
    sort = sort_key(USER_SORTS, "email")
    page = paginate(apply_sort(stmt, USER_SORTS, sort))
    return render_template("auth/users.html", page=page, sort=sort, q=q, role=role, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_new() -> Response | tuple[str, int]:
    form = NewUserForm()
    _body_choices(form)
    chosen = form.password.data
    # Drawn on every request, used only when a user is created without a chosen password.
    password = chosen or generate_password()

    def created(user: User) -> str:
        if chosen:
            return _("User %(email)s created.", email=user.email)
        return _(
            "User %(email)s created with password %(pw)s. It is shown only now.",
            email=user.email,
            pw=password,
        )

    return save_form(
        form,
        lambda: services.create_user(
            db.session(),
            form.email.data or "",
            Role(form.role.data),
            password,
            name=form.name.data or "",
            approval_body_id=form.approval_body_id.data,
        ),
        success=created,
        redirect_to=url_for("auth.users"),
        default_field="email",
        template="auth/user_edit.html",
        user=None,
    )


def _values(form: UserForm) -> dict[str, Any]:
    return {
        "email": form.email.data or "",
        "name": form.name.data or "",
        "role": Role(form.role.data),
        "approval_body_id": form.approval_body_id.data,
    }


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def user_edit(user_id: int) -> Response | tuple[str, int]:
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    _body_choices(form)
    return save_form(
        form,
        lambda: services.update_user(db.session(), user, _values(form), form.version.data),
        record=user,
        success=_("Saved."),
        redirect_to=url_for("auth.users"),
        default_field="email",
        template="auth/user_edit.html",
        user=user,
    )


@bp.route("/users/<int:user_id>/archive", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def user_archive(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    toggle_archived(user, partial(services.set_archived, acting_user_id=current_user.id))
    return redirect(url_for("auth.users"))
