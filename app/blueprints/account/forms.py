"""The member's own details and password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.auth.forms import (
    affiliation_field,
    matches,
    name_field,
    strong_password,
)
from app.core.i18n import lazy_gettext as _l
from app.web.forms import no_control_chars, phone_number, single_line, strip_text


class ProfileForm(FlaskForm):
    name = name_field()
    display_name = StringField(_l("Name shown to the public"), validators=[
        Optional(),
        Length(max=60, message=_l("The name shown to the public must be 60 characters or fewer.")),
        no_control_chars, single_line,
    ], filters=[strip_text])
    phone = StringField(_l("Phone number"), validators=[
        Optional(),
        Length(max=40, message=_l("Phone numbers are 40 characters or fewer.")),
        no_control_chars, phone_number,
    ], filters=[strip_text])
    affiliation = affiliation_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")),
        Length(max=1024, message=_l("Passwords are 1024 characters or fewer.")),
    ])
    new_password = PasswordField(_l("New password"), validators=[strong_password()])
    confirm_password = PasswordField(_l("Confirm new password"), validators=[
        DataRequired(_l("Enter your new password again.")),
        matches("new_password",
                _l("The two passwords do not match. Type the same password twice.")),
    ])
