"""The dashboard's GET form (period, kind, location) and the shift report's forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from app.blueprints.dispatch.forms import optional_int
from app.services.dashboard import PERIODS
from app.services.shifts import COMMENT_MAX
from app.web.forms import BoundedDateField, FastSelect, select_choices

FAST = FastSelect()


class DashboardForm(FlaskForm):
    class Meta:
        csrf = False

    period = SelectField("Period", choices=select_choices(PERIODS), default="7d", widget=FAST)
    date_from = BoundedDateField("From (custom range)", validators=[Optional()])
    date_to = BoundedDateField("To (custom range)", validators=[Optional()])
    kind = SelectField("Kind", validators=[Optional()], widget=FAST)
    location_id = SelectField("Location", coerce=optional_int, validators=[Optional()],
                              widget=FAST)
    building_id = SelectField("Floors of building", coerce=optional_int,
                              validators=[Optional()], widget=FAST)

    def fill(self, kinds, locations, buildings) -> DashboardForm:
        self.kind.choices = [("", "Every kind"), *kinds]
        self.location_id.choices = [(None, "Every location"), *locations]
        self.building_id.choices = [(None, "The busiest building"), *buildings]
        return self

    def validate_date_to(self, field) -> None:
        if self.period.data != "custom":
            return
        if self.date_from.data is None or field.data is None:
            raise ValidationError("Give both dates of the custom range.")
        if field.data < self.date_from.data:
            raise ValidationError("The end date must be on or after the start date.")


class ShiftChoiceForm(FlaskForm):
    class Meta:
        csrf = False

    day = BoundedDateField("Date the shift started")
    shift = SelectField("Shift", widget=FAST)


class SignOffForm(FlaskForm):
    comment = TextAreaField("Comment for the record", validators=[
        Optional(), Length(max=COMMENT_MAX, message=f"Keep the comment under {COMMENT_MAX} "
                           "characters.")])
