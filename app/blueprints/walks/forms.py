"""Forms of the virtual walk: starting one, and the walk page's buttons."""
from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.blueprints.escorts.forms import NumberField, PlaceField, PlacesMixin
from app.core.i18n import lazy_gettext as _l
from app.web.forms import (
    OTHER,
    SubmissionKeyField,
    no_control_chars,
    phone_number,
    single_line,
    strip_text,
)
from app.web.hostile import text_arg

PHONE_LENGTH = Length(max=40, message=_l("Enter a phone number under 40 characters."))


class WalkForm(PlacesMixin, FlaskForm):
    """The start form: the escort form's places, how long, and how to call back."""

    from_place = PlaceField(_l("Where are you starting from?"), validators=[
        InputRequired(_l("Choose where you are starting from."))])
    to_place = PlaceField(_l("Where are you going?"), validators=[
        InputRequired(_l("Choose where you are going."))])
    party_size = None
    needs = None
    minutes = NumberField(_l("How many minutes should it take?"), default=15, validators=[
        InputRequired(_l("Enter how many minutes the walk should take, as a number."))])
    phone = StringField(_l("Phone number dispatch can call you on"), filters=[strip_text],
                        validators=[InputRequired(_l("Enter a phone number dispatch can call.")),
                                    PHONE_LENGTH, phone_number])
    name = StringField(_l("Your name"), filters=[strip_text], validators=[
        Optional(), Length(max=120, message=_l("Keep your name under 120 characters.")),
        no_control_chars, single_line])
    emergency_phone = StringField(_l("An emergency contact's phone"), filters=[strip_text],
                                  validators=[Optional(), PHONE_LENGTH, phone_number])
    save = BooleanField(_l("Save this walk for next time"))
    submission_key = SubmissionKeyField()

    def validate_minutes(self, field) -> None:
        low = current_app.config["WALK_MIN_MINUTES"]
        high = current_app.config["WALK_MAX_MINUTES"]
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(_l("Choose between %(low)s and %(high)s minutes.",
                                     low=low, high=high))

    def checked(self):
        """The two places when everything is valid, else None (every error listed)."""
        valid = self.validate()
        if self.from_place.errors or self.to_place.errors:
            return None
        places = self.places()
        return places if valid and places is not None else None

    def prefill(self) -> None:
        """Places from the address (the escort page's "start a virtual walk instead"
        link); a value that is not one of the choices is ignored."""
        for name in ("from", "to"):
            select, other = self[f"{name}_place"], self[f"{name}_other"]
            wanted = text_arg(f"{name}_place", 20)
            if wanted in {choice.value for choice in select.choices} - {""}:
                select.data = wanted
            if wanted == OTHER:
                other.data = text_arg(f"{name}_other", 200)


class ButtonForm(FlaskForm):
    """Only the CSRF token: the walk page's buttons (I'm safe, Add 5 minutes, Help now)."""


class SavedStartForm(FlaskForm):
    """"Start this walk" on a saved walk: a double tap starts one walk, not two."""

    submission_key = SubmissionKeyField()


class PositionForm(FlaskForm):
    """What the page's script posts when the walker shares their position."""

    latitude = FloatField(validators=[InputRequired(), NumberRange(-90, 90)])
    longitude = FloatField(validators=[InputRequired(), NumberRange(-180, 180)])
    accuracy = FloatField(validators=[InputRequired(), NumberRange(0, 100_000)])
