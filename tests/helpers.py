"""The helpers every test module shares: read a page, sign someone in.

- `soup(response)`: the page as BeautifulSoup (a response, or HTML as str/bytes).
- `text(response)`: the page's visible text, pieces joined by spaces.
- `sign_in(client, user)`: a signed-in session for `user` without the login form.
- `post_login(client, email, ...)`: the login form posted, the response returned.
- `session_cookie(app, user, url)`: a signed-in session cookie for a browser (no form).
- `run_threads(target, arg_tuples)`: race several threads and wait for all of them.
- `saved(db, row)`: add and commit a row a fixture made, and return it.

Requests that sign in, fetch a page and check its status in one step: the `client_request`
fixture (tests/fixtures/client_request.py).
"""
from __future__ import annotations

import threading

from bs4 import BeautifulSoup

from app.core import tokens
from app.models.accounts import LoginSession, User
from app.models.base import utcnow

TEST_PASSWORD = "correct horse battery staple 42"


def soup(response) -> BeautifulSoup:
    """The page of `response` (a test response, or HTML as str or bytes) as BeautifulSoup."""
    if isinstance(response, BeautifulSoup):
        return response
    html = response if isinstance(response, str | bytes) else response.get_data(as_text=True)
    return BeautifulSoup(html, "html.parser")


def text(response, strip: bool = False) -> str:
    """The visible text of `response` (or of parsed HTML), its pieces joined by spaces."""
    return soup(response).get_text(" ", strip=strip)


def new_login_session(user: User) -> str:
    """Record a login session for `user` and return its raw token (the session's `_user_id`)."""
    from app.extensions import db

    raw = tokens.new_token()
    db.session.add(LoginSession(session_hash=tokens.hash_token(raw), user_id=user.id,
                                created_at=utcnow(), last_seen_at=utcnow()))
    db.session.commit()
    return raw


def sign_in(client, user: User) -> None:
    """Give `client` a signed-in session for `user` without going through the form."""
    raw = new_login_session(user)
    with client.session_transaction() as session:
        session["_user_id"] = raw
        session["_fresh"] = True


def session_cookie(app, user: User, url: str) -> dict:
    """A browser cookie for `url` (Playwright's add_cookies shape) signing `user` in."""
    raw = new_login_session(user)
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": raw, "_fresh": True})
    return {"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": url}


def post_login(client, email: str, password: str = TEST_PASSWORD, environ_base=None, *,
                      remember=False, expected_status: int | None = None):
    """Post the login form as a person would; check the status when `expected_status` is set."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, environ_base=environ_base or {})
    if expected_status is not None:
        assert response.status_code == expected_status, response.get_data(as_text=True)
    return response


def run_threads(target, arg_tuples, timeout: float | None = 60) -> None:
    """Run `target(*args)` in one thread per tuple of `arg_tuples`, all at once; wait for all."""
    threads = [threading.Thread(target=target, args=args) for args in arg_tuples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)


def saved(db, row):
    """Add `row`, commit, and return it (the last step of every make_* fixture)."""
    db.session.add(row)
    db.session.commit()
    return row
