"""Forms for registering, signing in and resetting a password.

The password policy itself lives in app.core.passwords; the forms only ask it, so the
advice shows next to the field. The services check again (the CLI has no form).
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from app.core import passwords
from app.core.i18n import lazy_gettext as _l
from app.models.accounts import AFFILIATIONS
from app.web.forms import no_control_chars, single_line, strip_text

AFFILIATION_LABELS = {
    "employee": _l("I work at the hospital (employee, contractor, volunteer or student)"),
    "patient": _l("I am a patient"),
    "visitor": _l("I am visiting a patient or the hospital"),
    "other": _l("Other"),
}
CHOOSING_HINT = (
    _l("At least 12 characters. A passphrase of four or more unrelated words is strong and easy "
    "to remember; spaces are fine and you can paste from a password manager.")
)


def ascii_email(form, field) -> None:
    if field.data and not field.data.isascii():
        raise StopValidation(_l("Enter an email address like name@example.org, "
                              "using only plain letters, numbers and symbols."))


def email_field(label: str = _l("Email address")) -> EmailField:
    return EmailField(label, validators=[
        DataRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("Email addresses are 254 characters or fewer.")),
        no_control_chars, single_line, ascii_email,
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False),
    ], filters=[strip_text])


def strong_password(*input_fields: str):
    """A validator that asks the policy, counting the named fields as guessable words."""

    def validate(form, field) -> None:
        inputs = [getattr(form, name).data for name in input_fields if hasattr(form, name)]
        inputs.extend(getattr(form, "extra_guessable", ()))
        problems = passwords.problems(field.data, inputs)
        if problems:
            raise ValidationError(" ".join(problems))

    return validate


def matches(other: str, message: str):
    def validate(form, field) -> None:
        if field.data != getattr(form, other).data:
            raise ValidationError(message)

    return validate


def affiliation_field() -> RadioField:
    return RadioField(
        _l("How are you connected to the hospital?"),
        choices=[SelectChoice(key, AFFILIATION_LABELS[key]) for key in AFFILIATIONS],
        validators=[InputRequired(_l("Choose how you are connected to the hospital."))],
        invalid_choice_message=_l("Choose how you are connected to the hospital."),
    )


def name_field() -> StringField:
    return StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your full name.")),
        Length(max=120, message=_l("Your full name must be 120 characters or fewer.")),
        no_control_chars, single_line,
    ], filters=[strip_text])


class RegisterForm(FlaskForm):
    name = name_field()
    email = email_field()
    affiliation = affiliation_field()
    password = PasswordField(_l("Password"), validators=[strong_password("name", "email")])
    confirm_password = PasswordField(_l("Confirm password"), validators=[
        DataRequired(_l("Enter your password again.")),
        matches("password", _l("The two passwords do not match. Type the same password twice.")),
    ])


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")),
        Length(max=1024, message=_l("Passwords are 1024 characters or fewer.")),
    ])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class EmailOnlyForm(FlaskForm):
    """Resend the confirmation link, or ask for a password reset."""

    email = email_field()


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[strong_password()])
    confirm_password = PasswordField(_l("Confirm new password"), validators=[
        DataRequired(_l("Enter your new password again.")),
        matches("password", _l("The two passwords do not match. Type the same password twice.")),
    ])


class ExtendSessionForm(FlaskForm):
    next = HiddenField()


def code_field(label: str = _l("Code from your authenticator app")) -> StringField:
    return StringField(label, validators=[
        DataRequired(_l("Enter the code from your authenticator app.")),
        Length(max=20, message=_l("Codes are 6 digits, or 12 letters and numbers for a "
                               "recovery code.")),
        no_control_chars, single_line,
    ], filters=[strip_text])


class SecondFactorForm(FlaskForm):
    """The second step of signing in, and the confirmation of a new factor."""

    code = code_field()


class NewFactorForm(SecondFactorForm):
    """Setting up a new phone when a factor is already on: the current one proves it is you."""

    current_code = code_field(_l("Code from your current app, or a recovery code"))
