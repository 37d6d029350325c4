"""A member's own pages in Spanish: recurring escorts, ALERT devices and the account, with
their forms, messages and mail (tests/spanish.py says what "in Spanish" means)."""
from __future__ import annotations

from sqlalchemy import select

from app.models.base import utcnow
from app.models.escorts import RecurringEscort
from tests.functional.test_escorts import recurring_data
from tests.helpers import soup
from tests.spanish import SPANISH, assert_spanish, english_left


def test_recurring_escorts_in_spanish(login_as, db, campus):
    client = login_as(None)
    assert_spanish(client.get("/escorts/recurring", headers=SPANISH))
    assert_spanish(client.get("/escorts/recurring/new", headers=SPANISH))
    refused = client.post("/escorts/recurring/new", headers=SPANISH, data=recurring_data(
        campus, weekdays=[], start_date="2020-01-01", time="25:99"))
    assert refused.status_code == 400
    assert_spanish(refused)
    saved = client.post("/escorts/recurring/new", data=recurring_data(campus), headers=SPANISH,
                        follow_redirects=True)
    assert_spanish(saved)
    page = soup(saved)
    assert "Todos los días laborables a las 23:15" in page.text
    assert "Activo" in page.select_one("dl").text  # an acompañamiento: masculine
    skip = page.select_one("form[action$='/skip']")
    day = skip.find("input", {"name": "day"})["value"]
    assert_spanish(client.post(skip["action"], data={"day": day}, headers=SPANISH,
                               follow_redirects=True))
    recurring = db.session.scalar(select(RecurringEscort))
    cancelled = client.post(f"/escorts/recurring/{recurring.id}/cancel", headers=SPANISH,
                            follow_redirects=True)
    assert_spanish(cancelled)
    assert "Cancelado" in soup(cancelled).select_one("dl").text


DEVICE = {"device_type": "laptop", "make": "Dell", "model": "Latitude 7440",
          "serial": "ab-12 cd-34", "department": "Cardiología", "room": "4B-210"}


def test_alert_device_pages_in_spanish(login_as, db, client):
    from app.models.devices import Device

    assert_spanish(client.get("/devices/", headers=SPANISH))
    member = login_as(None)
    assert_spanish(member.get("/devices/mine", headers=SPANISH))
    assert_spanish(member.get("/devices/register", headers=SPANISH))
    assert_spanish(member.post("/devices/register", data={**DEVICE, "make": ""},
                               headers=SPANISH))
    assert_spanish(member.post("/devices/register", data=DEVICE, headers=SPANISH,
                               follow_redirects=True))
    again = member.post("/devices/register", data=DEVICE, headers=SPANISH)
    assert_spanish(again)  # the service's own message: already registered
    device = db.session.scalar(select(Device))
    for page in ("mine", f"{device.id}/card", f"{device.id}/edit", f"{device.id}/retire",
                 f"{device.id}/stolen", "lockdown"):
        assert_spanish(member.get(f"/devices/{page}", headers=SPANISH))
    assert_spanish(member.post("/devices/lockdown", headers=SPANISH, data={
        "devices": [], "preferred_times": ""}))
    assert_spanish(member.post("/devices/lockdown", headers=SPANISH, follow_redirects=True,
                               data={"devices": [device.id], "preferred_times": "martes",
                                     "submission_key": "k" * 32}))
    assert_spanish(member.post(f"/devices/{device.id}/stolen", headers=SPANISH,
                               data={"last_seen_at": "2099-01-01T08:30"}))
    assert_spanish(member.post(f"/devices/{device.id}/stolen", headers=SPANISH,
                               follow_redirects=True, data={
                                   "last_seen_at": "2026-11-24T08:30", "where": "Cafetería",
                                   "submission_key": "s" * 32}))
    assert_spanish(member.get("/devices/mine", headers=SPANISH))  # reported stolen


# --- the member's language, and the mail about their account and devices ----------------

def test_an_account_keeps_the_language_it_was_made_in_and_the_language_link_changes_it(
        client, db, login_as):
    from app.models.accounts import User

    data = {"name": "Ana", "email": "ana@example.org", "affiliation": "patient",
            "password": "caballo correcto batería grapa"}
    client.post("/register", data={**data, "confirm_password": data["password"]},
                headers=SPANISH)
    assert db.session.scalar(select(User.language).where(User.email == "ana@example.org")) == "es"
    member = login_as(None)
    assert member.user.language == "en"
    member.get("/language/es?next=/account/")
    db.session.expire_all()
    assert db.session.get(User, member.user.id).language == "es"
    member.get("/language/en?next=/")
    db.session.expire_all()
    assert db.session.get(User, member.user.id).language == "en"


def delivered(smtp_server, address: str):
    from app.services.outbox import deliver_due

    deliver_due("test", 50)
    return smtp_server.to(address)


def test_a_recovered_device_is_announced_in_the_owners_language(login_as, db, make_device,
                                                                smtp_server):
    member = login_as(None)
    member.get("/language/es?next=/devices/mine")
    device = make_device(owner=member.user)
    member.post(f"/devices/{device.id}/stolen", data={
        "last_seen_at": "2026-11-24T08:30", "submission_key": "r" * 32})
    officer = login_as("officer")
    officer.post(f"/devices/staff/{device.id}/recovered", data={"note": "Found in Garage B"})
    mails = delivered(smtp_server, member.user.email)
    [mail] = [m for m in mails if "Recuperamos" in str(m["Subject"])]
    assert str(mail["Subject"]) == "Recuperamos su Dell Latitude 7440"
    body = smtp_server.text_of(mail)
    assert "Buenas noticias" in body and english_left(body) == []
    db.session.expire_all()
    follow = member.get(f"/track/mine/{device.theft_ticket.reference}")
    assert_spanish(follow)
    assert "Su equipo ha sido recuperado." in soup(follow).text


def test_account_mails_are_in_the_members_language(app, db, login_as, make_user,
                                                   smtp_server):
    from app.services import second_factor
    from tests.security.test_login_throttle import strangers_burst

    member = login_as(None)
    member.get("/language/es?next=/account/")
    strangers_burst(app, member.user.email, attempts=15)
    admin = make_user(roles=("admin",))
    member.user.totp_secret, member.user.totp_confirmed_at = "JBSWY3DPEHPK3PXP", utcnow()
    db.session.commit()
    second_factor.reset_for(admin, member.user.id)
    mails = delivered(smtp_server, member.user.email)
    subjects = sorted(str(m["Subject"]) for m in mails)
    assert subjects == ["Intentos fallidos de iniciar sesión en su cuenta",
                        "Restablecieron su verificación en dos pasos"]
    for mail in mails:
        assert english_left(smtp_server.text_of(mail)) == [], str(mail["Subject"])


def test_staff_account_mail_stays_english(app, db, login_as, smtp_server):
    from tests.security.test_login_throttle import strangers_burst

    dispatcher = login_as("dispatcher")
    dispatcher.get("/language/es?next=/")
    strangers_burst(app, dispatcher.user.email, attempts=15)
    [mail] = delivered(smtp_server, dispatcher.user.email)
    assert str(mail["Subject"]) == "Unsuccessful sign-ins to your account"


def test_account_pages_in_spanish(login_as, db):
    member = login_as(None, affiliation="patient")
    for path in ("/account/", "/account/profile", "/account/password", "/account/two-step"):
        assert_spanish(member.get(path, headers=SPANISH))
    assert_spanish(member.post("/account/profile", headers=SPANISH, data={
        "name": "", "phone": "x" * 50, "affiliation": "patient"}))
    assert_spanish(member.post("/account/profile", headers=SPANISH, follow_redirects=True,
                               data={"name": "Ana Pérez", "affiliation": "patient"}))
    assert_spanish(member.post("/account/password", headers=SPANISH, data={
        "current_password": "wrong", "new_password": "short", "confirm_password": "other"}))
    assert_spanish(member.post("/account/two-step", headers=SPANISH, data={"code": "000000"}))


def test_my_requests_names_each_kind_and_status_in_spanish(login_as, make_user, make_ticket):
    member = make_user()
    make_ticket(kind="escort", status="assigned", requester_id=member.id)
    make_ticket(kind="escort", status="resolved", requester_id=member.id)
    page = login_as(user=member).get("/track/mine", headers=SPANISH)
    assert_spanish(page)
    cells = [row.select("td") for row in soup(page).select("tbody tr")]
    assert {cells[i][3].get_text(strip=True) for i in (0, 1)} == {"Asignada", "Resuelta"}
    assert all(row[1].get_text(strip=True).startswith("Acompañamiento de seguridad:")
               for row in cells)
    assert not english_left(soup(page).select_one("tbody").get_text(" "))
