"""The member's own details and password."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.blueprints.auth.forms import (
    affiliation_field,
    matches,
    name_field,
    plain_text,
    strong_password,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProfileForm(FlaskForm):
    name = name_field()
    display_name = StringField("Name shown to the public", validators=[
        Optional(),
        Length(max=60, message="The name shown to the public must be 60 characters or fewer."),
        plain_text,
    ], filters=[_strip])
    phone = StringField("Phone number", validators=[
        Optional(),
        Length(max=40, message="Phone numbers are 40 characters or fewer."),
        Regexp(r"^\+?[0-9 ()\-.x]{3,40}$", message=(
            "Enter a phone number using digits, spaces, brackets or dashes, like (555) 010-4400."
        )),
    ], filters=[_strip])
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
