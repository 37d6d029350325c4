"""The member's own pages: summary, details, password."""
from __future__ import annotations

from sqlalchemy import select

from app.models.accounts import LoginSession, User
from tests.fixtures.accounts import TEST_PASSWORD
from tests.fixtures.auth import STRONG_PASSWORD, emails_to, error_text
from tests.helpers import soup


def test_account_home_shows_the_details_and_the_members_pages(app, login_as):
    client = login_as(None, name="Jo Smith", phone="555 0101")
    doc = soup(client.get("/account/"))
    assert doc.h1.get_text(strip=True) == "My account"
    text = doc.main.get_text(" ", strip=True)
    assert "Jo Smith" in text and client.user.email in text and "555 0101" in text
    links = {a.get_text(strip=True): a["href"] for a in doc.select(".cards a")}
    assert links == {"My requests": "/track/mine", "My devices": "/devices/mine",
                     "My seminars": "/seminars/mine", "My training history": "/seminars/history",
                     "APB newsletter": "/apb/subscribe",
                     # the fixture's members are employees: their unit's pages too
                     "Unit requests": "/units/", "My unit": "/units/mine"}
    assert doc.find("a", string="Change your details")
    assert doc.find("a", string="Change your password")


def test_staff_see_their_roles(login_as):
    client = login_as("dispatcher", "officer")
    text = soup(client.get("/account/")).main.get_text(" ", strip=True)
    assert "dispatcher, officer" in text


def test_profile_edit_saves_the_details(login_as, db):
    client = login_as("officer")
    form = soup(client.get("/account/profile"))
    assert form.select_one("#name")["value"] == client.user.name
    response = client.post("/account/profile", data={
        "name": "Sam Lee", "display_name": "Officer Lee", "phone": "(555) 010-1234",
        "affiliation": "employee"}, follow_redirects=True)
    assert "Your details have been saved." in response.get_data(as_text=True)
    user = db.session.get(User, client.user.id)
    db.session.refresh(user)
    saved = (user.name, user.display_name, user.phone)
    assert saved == ("Sam Lee", "Officer Lee", "(555) 010-1234")


def test_profile_refuses_a_bad_phone_number(login_as, db):
    client = login_as(None)
    response = client.post("/account/profile", data={
        "name": "Sam Lee", "phone": "call me maybe", "affiliation": "employee"})
    assert response.status_code == 200
    assert "Enter a phone number" in error_text(response)


def test_change_password_keeps_this_session_and_ends_the_others(app, login_as, db):
    client = login_as(None)
    other = login_as(user=client.user)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": STRONG_PASSWORD,
        "confirm_password": STRONG_PASSWORD}, follow_redirects=True)
    assert "Your password has been changed" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    assert any(m.subject == "Your password was changed" for m in emails_to(db, client.user.email))


def test_change_password_with_a_wrong_current_one_is_refused(login_as, db):
    client = login_as(None)
    response = client.post("/account/password", data={
        "current_password": "this is not it", "new_password": STRONG_PASSWORD,
        "confirm_password": STRONG_PASSWORD})
    assert "Your current password is not right." in error_text(response)
    assert soup(response).select_one("#current_password-error")
    assert db.session.scalar(select(LoginSession.revoked_at)) is None


def test_change_password_refuses_a_weak_new_one(login_as):
    client = login_as(None)
    response = client.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "qwertyuiop123",
        "confirm_password": "qwertyuiop123"})
    assert "easy to guess" in error_text(response)
    assert soup(response).select_one("#new_password-error")
