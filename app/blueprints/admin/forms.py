"""Forms of the admin pages. Search and filter forms use GET and carry no CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.blueprints.auth.forms import code_field
from app.models.accounts import STAFF_ROLES
from app.models.locations import LOCATION_KINDS
from app.web.forms import (
    BoundedDateField,
    MultiCheckboxField,
    no_control_chars,
    single_line,
    strip_text,
)

ROLE_LABELS = {
    "dispatcher": "Dispatcher: works the dispatch queue",
    "officer": "Officer: sees and updates assigned work",
    "advocate": "Advocate: works the confidential DV queue",
    "trainer": "Trainer: manages seminars and rosters",
    "editor": "Editor: writes and publishes the APB",
    "supervisor": "Supervisor: runs a shift; reads the board, the dashboard and reports",
    "admin": "Admin: users, roles, locations and the audit log",
}
KIND_LABELS = {
    "building": "Building", "garage": "Parking garage", "transit": "Transit stop",
    "landmark": "Landmark", "entrance": "Entrance",
}


class GetForm(FlaskForm):
    """A search form sent with GET: no CSRF token, and bad values are just ignored."""

    class Meta:
        csrf = False


class UserSearchForm(GetForm):
    q = StringField("Name or email", filters=[strip_text], validators=[
        Optional(), Length(max=100, message="Search for 100 characters or fewer."),
        no_control_chars, single_line,
    ])


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(
        "Staff roles",
        choices=[SelectChoice(name, ROLE_LABELS[name]) for name in STAFF_ROLES],
        validate_choice=True,
    )
    code = code_field("Your code from your authenticator app")


class AccountStatusForm(FlaskForm):
    """Enable or disable: only the CSRF token and the button."""


def no_dates_reversed(form, field) -> None:
    if field.data and form.date_from.data and field.data < form.date_from.data:
        raise ValidationError("The end date must be the same as or after the start date.")


class AuditFilterForm(GetForm):
    action = SelectField("Action", default="", validate_choice=True)
    actor = StringField("Who (email contains)", filters=[strip_text], validators=[
        Optional(), Length(max=254, message="Enter 254 characters or fewer."),
        no_control_chars, single_line,
    ])
    object_type = SelectField("Kind of object", default="", validate_choice=True)
    object_id = StringField("Object id or reference", filters=[strip_text], validators=[
        Optional(), Length(max=64, message="Enter 64 characters or fewer."),
        no_control_chars, single_line,
    ])
    date_from = BoundedDateField("From (date)", validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = BoundedDateField("To (date)", validators=[Optional(), no_dates_reversed],
                        render_kw={"type": "date"})


def audit_filter_form(args, actions: list[str], object_types: list[str]) -> AuditFilterForm:
    """The filter form with today's actions and object kinds as its choices."""
    form = AuditFilterForm(args)
    form.action.choices = [SelectChoice("", "Any action")] + [SelectChoice(a) for a in actions]
    form.object_type.choices = [SelectChoice("", "Any kind")] + [
        SelectChoice(t) for t in object_types]
    return form


class LocationForm(FlaskForm):
    name = StringField("Name", filters=[strip_text], validators=[
        DataRequired("Enter the name of the place."),
        Length(max=120, message="The name must be 120 characters or fewer."),
        no_control_chars, single_line,
    ])
    kind = SelectField("Kind of place", validate_choice=True, choices=[
        SelectChoice(k, KIND_LABELS.get(k, k.title())) for k in LOCATION_KINDS])
    description = TextAreaField("Description", filters=[strip_text], validators=[
        Optional(), Length(max=240, message="The description must be 240 characters or fewer."),
        no_control_chars,
    ])
    active = BooleanField("In use (offered in location lists)", default=True)
