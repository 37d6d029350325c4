"""A lazy translation flashed into the session (which is JSON) is kept as its text."""
from __future__ import annotations

from flask import flash, session

from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l


def test_a_flashed_lazy_translation_is_kept_in_the_session_as_its_text(app):
    """Written as the words it renders to in that request's language (a 500 before)."""
    serializer = app.session_interface.get_signing_serializer(app)
    with app.test_request_context("/"), in_language("es"):
        flash(_l("Cancelled"), "info")
        kept = serializer.loads(serializer.dumps(dict(session)))
    assert kept["_flashes"] == [("info", "Cancelada")]
