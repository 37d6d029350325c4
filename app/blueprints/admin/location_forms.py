"""Forms of the admin's location pages: one place, and a room list to import."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.models.locations import LOCATION_KINDS
from app.services.locations import KIND_LABELS, PlaceFields, in_tree_order
from app.web.forms import no_control_chars, phone_number, single_line, strip_text


def _parent_id(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a place: the service says "choose the place it is in"


class LocationForm(FlaskForm):
    name = StringField("Name", filters=[strip_text], validators=[
        DataRequired("Enter the name of the place."),
        Length(max=120, message="The name must be 120 characters or fewer."),
        no_control_chars, single_line,
    ])
    kind = SelectField("Kind of place", validate_choice=True, choices=[
        SelectChoice(k, KIND_LABELS.get(k, k.title())) for k in LOCATION_KINDS])
    parent_id = SelectField("Inside", coerce=_parent_id, validate_choice=False)
    description = TextAreaField("Description", filters=[strip_text], validators=[
        Optional(), Length(max=240, message="The description must be 240 characters or fewer."),
        no_control_chars,
    ])
    phone = TelField("Phone", filters=[strip_text], validators=[
        Optional(), Length(max=40, message="Enter a phone number under 40 characters."),
        phone_number])
    active = BooleanField("In use (offered in location lists)", default=True)

    def load_parents(self, exclude_id: int | None = None) -> LocationForm:
        """Every place but this one, by path; a place's own descendants are refused later."""
        self.parent_id.choices = [SelectChoice("", "Nowhere: at the top")] + [
            SelectChoice(str(p.id), p.path or p.name) for p in in_tree_order()
            if p.id != exclude_id and p.kind not in ("room", "spot")]
        return self

    def fields(self, active: bool = True) -> PlaceFields:
        return PlaceFields(self.name.data, self.kind.data, self.parent_id.data,
                           self.description.data, self.phone.data, active)


class ImportForm(FlaskForm):
    room_list = FileField("Room list (CSV file)")
