"""Login, account and user forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from riskreg.auth.passwords import MIN_LENGTH
from riskreg.enums import Role
from riskreg.forms import VersionedForm, enum_select


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class UserForm(VersionedForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = enum_select(_l("Role"), Role, validators=[DataRequired()])
    approval_body_id = SelectField(
        _l("Approval body (steering group members)"),
        coerce=lambda v: int(v) if v else None,
        validate_choice=True,
    )


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_LENGTH, max=200)],
        description=_l("Leave empty to generate one; it is shown once."),
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
