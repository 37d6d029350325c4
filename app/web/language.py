"""Which language a page is shown in: the person's choice, else their browser's, else English.

The choice lives in one cookie that holds the language code and nothing else. Staff pages
are always in English: the division works in English, whatever the cookie says.
"""
from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale
from wtforms.i18n import messages_path

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_language, known_language

babel = Babel()
COOKIE_DAYS = 365


def cookie_name() -> str:
    return current_app.config["LANGUAGE_COOKIE"]


def chosen_language() -> str | None:
    """The language the person chose with the language link, if any."""
    return known_language(request.cookies.get(cookie_name()))


def select_language() -> str:
    """Flask-Babel's locale selector."""
    from app.web.access import is_staff_page

    if not has_request_context() or (request.endpoint and is_staff_page(request.endpoint)):
        return DEFAULT_LANGUAGE
    return (chosen_language()
            or request.accept_languages.best_match(tuple(LANGUAGES))
            or DEFAULT_LANGUAGE)


def page_language() -> str:
    """The language of the page being rendered (what `<html lang>` says)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def as_recorded(recorded: str | None):
    """Render in the language a request or registration was made in (its mail links open
    pages in that language), unless the person chose one with the language link."""
    return in_language(chosen_language() or recorded)


def remember_language(response, code: str):
    """Set the language cookie: only the code, for a year, not readable by scripts."""
    response.set_cookie(cookie_name(), code, max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@lru_cache(maxsize=len(LANGUAGES) + 1)
def _form_messages(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def init_language(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_language,
                   default_translation_directories="translations")

    @app.before_request
    def share_form_messages() -> None:
        """WTForms' own messages ("Not a valid choice") in the page's language, read once
        per process and language: left to itself Flask-WTF parses that catalogue again in
        every request that builds a form (a tenth of a board load). It looks for the
        translations on the request first, and this is what it would have put there."""
        if request.endpoint != "static":
            request.wtforms_translations = _form_messages(page_language())
