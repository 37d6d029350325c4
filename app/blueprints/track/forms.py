"""Forms of the follow-up pages: finding a request, writing to dispatch, cancelling."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.core.i18n import lazy_gettext as _l
from app.services.followup import MESSAGE_MAX
from app.web.forms import no_control_chars, strip_text

LINK_PATH = re.compile(r"/track/([A-Za-z0-9-]{1,16})/([A-Za-z0-9_-]{10,200})/?(?:[?#].*)?$")


class FindForm(FlaskForm):
    link = StringField(_l("Your private link"), filters=[strip_text], validators=[
        Optional(), Length(max=500, message=_l("That is too long to be a follow-up link."))])
    reference = StringField(_l("Reference"), filters=[strip_text], validators=[
        Optional(), Length(max=30, message=_l("A reference looks like ESC-7K3Q9M."))])
    code = StringField(_l("Access code"), filters=[strip_text], validators=[
        Optional(), Length(max=200, message=_l("That access code is too long."))])

    def reference_and_token(self) -> tuple[str, str] | None:
        """From the pasted link, or from the reference and code typed in."""
        if self.link.data:
            match = LINK_PATH.search(self.link.data)
            if match is None:
                self.link.errors.append(_l("Paste the whole link, starting with http."))
                return None
            return match.group(1), match.group(2)
        if not self.reference.data or not self.code.data:
            self.link.errors.append(
                _l("Paste your private link, or type both the reference and the access code."))
            return None
        return self.reference.data, self.code.data


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Your message to dispatch"), filters=[strip_text], validators=[
        InputRequired(_l("Write your message first.")),
        Length(max=MESSAGE_MAX, message=f"Keep your message under {MESSAGE_MAX} characters."),
        no_control_chars])

    def validate_body(self, field) -> None:
        if field.data is not None and not field.data.strip():
            raise ValidationError(_l("Write your message first."))


class CancelForm(FlaskForm):
    """Only the CSRF token: the confirmation page is the question."""
