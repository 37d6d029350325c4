"""Register, verify, sign in and out, forgotten password: what a person sees."""
from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from app.models.accounts import LoginSession, User
from tests.fixtures.accounts import TEST_PASSWORD, totp_code
from tests.fixtures.auth import STRONG_PASSWORD, emails_to, error_text, link_in
from tests.helpers import soup


def path_of(url: str) -> str:
    return urlsplit(url).path


def register(client, **overrides):
    data = {"name": "Jo Smith", "email": "jo@example.org", "affiliation": "patient",
            "password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD}
    data.update(overrides)
    return client.post("/register", data=data)


def test_register_page_has_plain_labels(client):
    doc = soup(client.get("/register"))
    assert doc.h1.get_text(strip=True) == "Create an account"
    labels = [label.get_text(" ", strip=True) for label in doc.select("label")]
    for expected in ("Full name", "Email address", "Password", "Confirm password"):
        assert expected in labels
    legend = doc.select_one("legend").get_text(strip=True)
    assert legend == "How are you connected to the hospital?"
    assert doc.select_one("#password")["autocomplete"] == "new-password"
    assert not doc.select_one("#password").has_attr("maxlength") or int(
        doc.select_one("#password")["maxlength"]) >= 1024


def test_register_verify_and_sign_in_through_the_outbox(client, db):
    response = register(client)
    assert response.status_code == 302
    check = client.get(response.headers["Location"])
    assert soup(check).h1.get_text(strip=True) == "Check your email"
    assert "jo@example.org" in soup(check).main.get_text()

    [message] = emails_to(db, "jo@example.org")
    assert message.subject == "Confirm your email address" and message.html_body
    link = link_in(message)
    assert "\n" + link + "\n" in message.text_body  # on a line of its own

    early = client.post("/login", data={"email": "jo@example.org", "password": STRONG_PASSWORD})
    assert "confirm your email address first" in error_text(early)
    assert soup(early).find("button", string="Send the link again")

    verified = client.get(path_of(link))
    assert soup(verified).h1.get_text(strip=True) == "Email address confirmed"

    signed_in = client.post("/login", data={"email": "jo@example.org", "password": STRONG_PASSWORD})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/account/"
    home = client.get("/account/")
    assert "You are signed in as Jo Smith." in home.get_data(as_text=True)


def test_registering_a_known_address_looks_the_same(client, db, make_user):
    make_user(email="jo@example.org")
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"] == "/check-email"
    assert len(list(db.session.scalars(select(User)))) == 1


def test_weak_password_shows_advice_on_the_form(client, db):
    response = register(client, password="Password1234!", confirm_password="Password1234!")
    assert response.status_code == 200
    text = error_text(response)
    assert "easy to guess" in text and "commonly used password" in text
    assert soup(response).select_one("#password-error")
    assert db.session.scalar(select(User)) is None


def test_password_containing_the_persons_name_is_refused(client, db):
    response = register(client, name="Harriet Quimby", password="harriet quimby 1911",
                        confirm_password="harriet quimby 1911")
    assert "easy to guess" in error_text(response)


def test_mismatched_confirmation_is_refused(client, db):
    response = register(client, confirm_password=STRONG_PASSWORD + "x")
    assert "do not match" in error_text(response)


def test_wrong_password_and_unknown_email_show_the_same_page(client, db, make_user):
    user = make_user()
    bad = "not my password!"
    wrong = client.post("/login", data={"email": user.email, "password": bad})
    unknown = client.post("/login", data={"email": "ghost@example.org", "password": bad})
    assert wrong.status_code == unknown.status_code == 200
    assert error_text(wrong) == error_text(unknown)
    assert "Email or password is not right" in error_text(wrong)


def test_lock_message_is_the_same_for_known_and_unknown_addresses(client, app, db, make_user):
    user = make_user()
    texts = {}
    for email in (user.email, "ghost@example.org"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            response = client.post("/login", data={"email": email, "password": "not my password!"})
        texts[email] = error_text(response)
    assert texts[user.email] == texts["ghost@example.org"]
    assert "paused" in texts[user.email] and "minutes" in texts[user.email]
    locked = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert "paused" in error_text(locked)


def test_next_leads_back_to_the_page_asked_for(client, db, make_user):
    user = make_user()
    asked = client.get("/account/profile")
    login_url = asked.headers["Location"]
    form = soup(client.get(login_url))
    assert form.select_one("input[name=next]")["value"] == "/account/profile"
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "next": "/account/profile"})
    assert response.headers["Location"] == "/account/profile"


def test_signed_in_visitor_opening_sign_in_goes_to_the_account(login_as):
    client = login_as(None)
    assert client.get("/login").headers["Location"] == "/account/"


def test_logout_signs_out_and_says_so(login_as, db):
    client = login_as(None)
    response = client.post("/logout", follow_redirects=True)
    assert "You have signed out." in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302
    assert db.session.scalar(select(LoginSession.revoked_at)) is not None


def test_forgot_password_to_new_password(client, db, make_user):
    user = make_user()
    response = client.post("/forgot-password", data={"email": user.email})
    assert response.headers["Location"] == "/check-email"
    sent = soup(client.get("/check-email")).main.get_text(" ", strip=True)
    assert "If " + user.email + " has an account" in sent

    [message] = emails_to(db, user.email)
    reset_path = path_of(link_in(message))
    form = client.get(reset_path)
    assert soup(form).h1.get_text(strip=True) == "Choose a new password"
    weak = client.post(reset_path, data={"password": "password", "confirm_password": "password"})
    assert "at least 12 characters" in error_text(weak)
    done = client.post(reset_path, data={"password": STRONG_PASSWORD,
                                         "confirm_password": STRONG_PASSWORD})
    assert done.headers["Location"] == "/login"
    used = client.get(reset_path)
    assert used.status_code == 400
    assert soup(used).h1.get_text(strip=True) == "This link does not work"
    ok = client.post("/login", data={"email": user.email, "password": STRONG_PASSWORD})
    assert ok.status_code == 302


def test_forgot_password_for_an_unknown_address_looks_the_same(client, db):
    response = client.post("/forgot-password", data={"email": "ghost@example.org"})
    assert response.headers["Location"] == "/check-email"
    assert emails_to(db, "ghost@example.org") == []


def test_expired_and_forged_links_give_a_clear_page(client, app, db, make_user, monkeypatch):
    user = make_user(verified=False)
    client.post("/verify/resend", data={"email": user.email})
    verify_path = path_of(link_in(emails_to(db, user.email)[0]))
    for url in ("/verify/forged.token.here", "/reset/forged", "/verify/" + "A" * 3000,
                verify_path[:-4] + "abcd", "/reset/%00%0a<script>"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        heading = soup(response).h1.get_text(strip=True)
        assert heading in ("This link does not work", "Page not found")
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", -1)
    expired = client.get(verify_path)
    assert expired.status_code == 400
    assert soup(expired).h1.get_text(strip=True) == "This link has expired"
    assert soup(expired).find("button", string="Send a new confirmation link")


def test_resend_from_the_login_page_sends_a_new_link(client, db, make_user):
    user = make_user(verified=False)
    response = client.post("/verify/resend", data={"email": user.email})
    assert response.headers["Location"] == "/check-email"
    assert len(emails_to(db, user.email)) == 1


def test_staff_land_on_their_working_page_after_signing_in(app, db, make_user):
    landings = {(): "/account/", ("dispatcher",): "/dispatch/", ("officer",): "/dispatch/mine",
                ("advocate",): "/support/advocate/", ("officer", "dispatcher"): "/dispatch/"}
    for roles, path in landings.items():
        user = make_user(roles=roles)
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        if user.has_second_factor:  # advocates: the code first, then their page
            assert response.headers["Location"] == "/login/code"
            response = client.post("/login/code", data={"code": totp_code(user)})
        assert urlsplit(response.headers["Location"]).path == path, roles
