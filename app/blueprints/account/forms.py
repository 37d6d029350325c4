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
from app.web.forms import no_control_chars, phone_number, single_line, strip_text


class ProfileForm(FlaskForm):
    name = name_field()
    display_name = StringField("Name shown to the public", validators=[
        Optional(),
        Length(max=60, message="The name shown to the public must be 60 characters or fewer."),
        no_control_chars, single_line,
    ], filters=[strip_text])
    phone = StringField("Phone number", validators=[
        Optional(),
        Length(max=40, message="Phone numbers are 40 characters or fewer."),
        no_control_chars, phone_number,
    ], filters=[strip_text])
    affiliation = affiliation_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password."),
        Length(max=1024, message="Passwords are 1024 characters or fewer."),
    ])
    new_password = PasswordField("New password", validators=[strong_password()])
    confirm_password = PasswordField("Confirm new password", validators=[
        DataRequired("Enter your new password again."),
        matches("new_password", "The two passwords do not match. Type the same password twice."),
    ])
