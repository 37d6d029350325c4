"""The portal's two languages, in one place: which they are, and rendering in one of them.

The web layer picks a visitor's language (app.web.language); services that write mail for
a request render it in the language the request was made in, with `in_language`.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask.json.provider import DefaultJSONProvider
from flask_babel import force_locale, gettext
from flask_babel.speaklater import LazyString

DEFAULT_LANGUAGE = "en"
# code -> the language's name in itself (the language link shows the other one).
LANGUAGES = {"en": "English", "es": "Español"}


def known_language(code: object) -> str | None:
    """`code` when it is one of the portal's languages, else None."""
    return code if isinstance(code, str) and code in LANGUAGES else None


@contextmanager
def in_language(code: str | None):
    """Render (templates, lazy strings, dates) in `code`, English when it is not known."""
    with force_locale(known_language(code) or DEFAULT_LANGUAGE):
        yield


class _LazyText(LazyString):
    """A lazy translation that templates escape like any other text.

    Flask-Babel's LazyString gives itself to Jinja as markup (`__html__`), unescaped: a lazy
    message with a value typed by someone ("Escort from %(start)s...") would then reach
    the page as HTML. The portal's lazy messages are plain text, so they are escaped."""

    @property
    def __html__(self):
        raise AttributeError("__html__")


class LazyTextJSON(DefaultJSONProvider):
    """Writes a lazy translation as the plain text it renders to now (in the request's
    language): a flashed message lives in the session, which is JSON."""

    @staticmethod
    def default(o):
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def lazy_gettext(message: str, **values) -> LazyString:
    """`flask_babel.lazy_gettext`, escaped in templates (import it as `_l`)."""
    return _LazyText(gettext, message, **values)


def N_(text: str) -> str:
    """Mark `text` for the catalogue without translating it here (gettext_noop): constants
    stay English (staff pages, CSV, the database) and are translated where they are shown,
    with `translated`."""
    return text


def translated(pairs) -> list[tuple[str, object]]:
    """(value, label) pairs with each label translated lazily, for a form's choices."""
    return [(value, lazy_gettext(label)) for value, label in pairs]
