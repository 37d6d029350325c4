"""Admin pages as an admin uses them: find users, change roles, disable, audit log, locations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, text

from app.core.database import use_case
from app.models.accounts import LoginSession, User
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.locations import Location
from app.services import audit
from tests.fixtures.accounts import totp_code
from tests.helpers import soup

HOSTILE = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "Robert'); DROP TABLE user;--",
    "Zoë 🚑 \u202eevil",
    "%",
    "_",
]


def flashes(page: BeautifulSoup) -> str:
    return " ".join(f.get_text(" ", strip=True) for f in page.select(".flash"))


def audit_actions(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


@pytest.fixture()
def admin(client_request):
    client_request.login("admin", name="Ada Admin", email="ada.admin@example.org")
    return client_request


# --- finding users -------------------------------------------------------------------------


def test_the_landing_page_lists_accounts(admin, make_user):
    make_user(name="Dana Dispatcher", roles=("dispatcher",))
    page = admin.get("/admin/")
    assert page.h1.get_text(strip=True) == "Users and roles"
    rows = [tr.get_text(" ", strip=True) for tr in page.select("tbody tr")]
    assert any("Dana Dispatcher" in row and "dispatcher" in row for row in rows)
    assert page.find("label", string="Name or email") is not None


@pytest.mark.parametrize("query", ["dana", "DISPATCH.DEMO", "Dispatcher"])
def test_search_by_name_or_email(admin, make_user, query):
    make_user(name="Dana Dispatcher", email="dispatch.demo@example.org")
    make_user(name="Oscar Officer", email="oscar@example.org")
    page = admin.get("/admin/", _query_string={"q": query})
    names = [a.get_text(strip=True) for a in page.select("tbody td a")]
    assert names == ["Dana Dispatcher"]


def test_search_results_are_paginated(admin, make_user):
    for n in range(30):
        make_user(name=f"Paged Person {n:02d}")
    first = admin.get("/admin/", _query_string={"q": "Paged"})
    assert len(first.select("tbody tr")) == 25
    assert "Page 1 of 2" in first.get_text()
    next_link = first.find("a", rel="next")["href"]
    second = admin.get(next_link)
    assert len(second.select("tbody tr")) == 5
    assert admin.get("/admin/?page=-4").select("tbody tr")
    admin.get_response("/admin/?page=abc")
    admin.get_response("/admin/?page=99999999999999999999")


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_searches_find_nothing_and_break_nothing(admin, make_user, query):
    make_user(name="Plain Name", email="plain@example.org")
    response = admin.get_response("/admin/", _query_string={"q": query})
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    if query in ("%", "_", "<script>alert(1)</script>"):
        assert "Plain Name" not in soup(response).select_one("main").get_text()


def test_an_over_long_or_multi_line_search_says_what_is_wrong(admin):
    page = admin.get("/admin/", _query_string={"q": "x" * 101})
    assert "Search for 100 characters or fewer." in page.select_one(".error-summary").get_text()
    page = admin.get("/admin/", _query_string={"q": "a\nb"})
    assert page.select_one(".error-summary") is not None


def test_a_missing_user_is_a_404(admin):
    admin.get_response("/admin/users/987654", _expected_status=404)
    admin.post_response("/admin/users/987654/roles", _data={"roles": ["admin"]},
                        _expected_status=404)


def test_other_staff_cannot_open_admin_pages(login_as):
    for role in ("dispatcher", "advocate", None):
        assert login_as(role).get("/admin/").status_code == 403


# --- roles ---------------------------------------------------------------------------------


def roles_data(admin, roles: list[str]) -> dict:
    """The roles form as the admin sends it: the roles and a fresh code from their app."""
    return {"roles": roles, "code": totp_code(admin.user)}


def test_granting_roles_confirms_what_changed_and_is_audited(admin, make_user, db):
    target = make_user(name="Tess Target")
    page = admin.post(f"/admin/users/{target.id}/roles",
                      _data=roles_data(admin, ["dispatcher", "officer"]), _follow_redirects=True)
    assert "Roles of Tess Target updated: added dispatcher, officer." in flashes(page)
    db.session.expire_all()
    assert db.session.get(User, target.id).role_names == {"dispatcher", "officer"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "admin.roles_changed"))
    assert event.actor_label == "ada.admin@example.org"
    assert (event.object_type, event.object_id) == ("user", str(target.id))
    assert event.detail == "added: dispatcher, officer; removed: none"


def test_revoking_a_role(admin, make_user, db):
    target = make_user(name="Tess Target", roles=("dispatcher", "editor"))
    page = admin.post(f"/admin/users/{target.id}/roles", _data=roles_data(admin, ["editor"]),
                      _follow_redirects=True)
    assert "removed dispatcher" in flashes(page)
    db.session.expire_all()
    assert db.session.get(User, target.id).role_names == {"editor"}


def test_an_admin_cannot_make_themselves_or_another_admin_an_advocate(admin, make_user, db):
    other_admin = make_user(roles=("admin",))
    for target in (admin.user, other_admin):
        page = admin.post(f"/admin/users/{target.id}/roles",
                          _data=roles_data(admin, ["admin", "advocate"]), _expected_status=400)
        assert "cannot be both admin and advocate" in page.get_text()
        db.session.expire_all()
        assert "advocate" not in db.session.get(User, target.id).role_names
    assert "admin.roles_changed" not in audit_actions(db)


def test_saving_the_same_roles_says_nothing_changed(admin, make_user, db):
    target = make_user(name="Tess Target", roles=("trainer",))
    page = admin.post(f"/admin/users/{target.id}/roles", _data=roles_data(admin, ["trainer"]),
                      _follow_redirects=True)
    assert "No change" in flashes(page)
    assert "admin.roles_changed" not in audit_actions(db)


def test_the_user_page_shows_roles_ticked(admin, make_user):
    target = make_user(name="Tess Target", roles=("officer",))
    page = admin.get(f"/admin/users/{target.id}")
    assert page.h1.get_text(strip=True) == "Tess Target"
    ticked = [box["value"] for box in page.select("input[name=roles][checked]")]
    assert ticked == ["officer"]
    assert page.find("legend", string="Staff roles") is not None


@pytest.mark.parametrize("forged", ["janitor", "ADMIN", "<script>", "' OR 1=1"])
def test_a_forged_role_is_refused_and_changes_nothing(admin, make_user, db, forged):
    target = make_user(name="Tess Target")
    page = admin.post(f"/admin/users/{target.id}/roles",
                      _data=roles_data(admin, ["officer", forged]), _expected_status=400)
    assert page.select_one(".error-summary") is not None
    db.session.expire_all()
    assert db.session.get(User, target.id).role_names == frozenset()


def test_the_last_admin_cannot_drop_their_own_admin_role(admin, db):
    page = admin.post(f"/admin/users/{admin.user.id}/roles",
                      _data=roles_data(admin, ["dispatcher"]), _expected_status=400)
    assert "last admin" in page.select_one(".error-summary").get_text()
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).role_names == {"admin"}


def test_with_another_admin_the_role_can_be_dropped(admin, make_user, db):
    make_user(name="Second Admin", roles=("admin",))
    page = admin.post(f"/admin/users/{admin.user.id}/roles", _data=roles_data(admin, []),
                      _follow_redirects=True, _expected_status=403)
    assert "removed admin" in flashes(page)
    admin.get_response("/admin/", _expected_status=403)  # the change applies at once


# --- disabling -----------------------------------------------------------------------------


def test_disabling_ends_the_accounts_sessions_and_is_audited(admin, login_as, db):
    victim = login_as("dispatcher", name="Dee Disabled")
    assert victim.get("/account/").status_code == 200
    response = admin.post_response(f"/admin/users/{victim.user.id}/disable", _follow_redirects=True)
    assert "disabled and all its sessions have ended" in flashes(soup(response))
    db.session.expire_all()
    sessions = db.session.scalars(
        select(LoginSession).where(LoginSession.user_id == victim.user.id)).all()
    assert sessions and all(s.revoked_at is not None for s in sessions)
    assert victim.get("/account/").status_code in (302, 303), "the copied cookie stops working"
    assert "admin.account_disabled" in audit_actions(db)

    page = admin.post(f"/admin/users/{victim.user.id}/enable", _follow_redirects=True)
    assert "enabled again" in flashes(page)
    assert db.session.get(User, victim.user.id).is_active_account is True
    assert "admin.account_enabled" in audit_actions(db)


def test_an_admin_cannot_disable_their_own_account(admin, db):
    page = admin.post(f"/admin/users/{admin.user.id}/disable", _follow_redirects=True)
    assert "You cannot disable your own account." in flashes(page)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).is_active_account is True


# --- audit log -----------------------------------------------------------------------------


@use_case
def _record(action, actor, obj_type, obj_id, detail=""):
    audit.record(action, actor, obj_type, obj_id, detail=detail, ip="192.0.2.7")


def test_the_audit_log_shows_events_and_that_the_chain_verifies(admin, make_user, db):
    other = make_user(email="someone@example.org")
    _record("ticket.acknowledged", other, "ticket", "ESC-7K3Q9M", "acknowledged")
    page = admin.get("/admin/audit")
    assert page.h1.get_text(strip=True) == "Audit log"
    assert "The audit chain verifies" in page.get_text()
    row = page.select_one("tbody tr").get_text(" ", strip=True)
    for expected in ("1", "someone@example.org", "ticket.acknowledged", "ESC-7K3Q9M",
                     "192.0.2.7"):
        assert expected in row


def test_the_audit_log_filters(admin, make_user, db):
    alice = make_user(email="alice@example.org")
    bob = make_user(email="bob@example.org")
    _record("ticket.acknowledged", alice, "ticket", "ESC-AAAAAA")
    _record("ticket.closed", bob, "ticket", "ESC-BBBBBB")
    _record("admin.location_added", alice, "location", "7")

    def seqs(**filters):
        page = admin.get("/admin/audit", _query_string=filters)
        return [tr.td.get_text(strip=True) for tr in page.select("tbody tr")]

    assert seqs() == ["3", "2", "1"]
    assert seqs(action="ticket.closed") == ["2"]
    assert seqs(actor="ALICE") == ["3", "1"]
    assert seqs(object_type="location") == ["3"]
    assert seqs(object_id="ESC-AAAAAA") == ["1"]
    today = utcnow().date()
    assert seqs(date_from=str(today - timedelta(days=1)), date_to=str(today + timedelta(days=1)))
    assert seqs(date_from=str(today + timedelta(days=2))) == []


@pytest.mark.parametrize(
    "query",
    [{"date_from": "not a date"}, {"action": "forged.action"}, {"object_type": "<script>"},
     {"date_from": "2026-05-02", "date_to": "2026-05-01"}, {"actor": "x" * 300},
     {"page": "-1"}, {"_external": "1", "_scheme": "javascript", "action": ""}],
)
def test_bad_audit_filters_say_so_without_a_500(admin, db, query):
    _record("ticket.closed", None, "ticket", "ESC-BBBBBB")
    response = admin.get_response("/admin/audit", _query_string=query)
    assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_the_audit_log_is_paginated(admin, db):
    for n in range(30):
        _record("test.event", None, "thing", n)
    first = admin.get("/admin/audit", _query_string={"action": "test.event"})
    assert len(first.select("tbody tr")) == 25
    second = admin.get(first.find("a", rel="next")["href"])
    assert [tr.td.get_text(strip=True) for tr in second.select("tbody tr")] == [
        str(n) for n in range(5, 0, -1)]


def test_a_broken_chain_is_shown(admin, db):
    for n in range(3):
        _record("test.event", None, "thing", n)
    db.session.execute(text("UPDATE audit_event SET detail = 'changed' WHERE seq = 2"))
    db.session.commit()
    page = admin.get("/admin/audit")
    assert "The audit chain is broken at event 2" in page.get_text()


# --- locations -----------------------------------------------------------------------------


def test_adding_a_location(admin, db):
    page = admin.get("/admin/locations/new")
    assert page.find("label", string="Name") is not None
    shown = admin.post("/admin/locations/new", _data={
        "name": "North Garage", "kind": "garage", "description": "Level 2 entrance"},
                       _follow_redirects=True)
    assert "North Garage was added." in flashes(shown)
    place = db.session.scalar(select(Location).where(Location.name == "North Garage"))
    assert (place.kind, place.description, place.active) == ("garage", "Level 2 entrance", True)
    assert "admin.location_added" in audit_actions(db)
    listing = admin.get("/admin/locations").get_text(" ")
    assert "North Garage" in listing and "Level 2 entrance" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "garage"}, "Enter the name of the place."),
        ({"name": "   ", "kind": "garage"}, "Enter the name of the place."),
        ({"name": "x" * 121, "kind": "garage"}, "120 characters or fewer"),
        ({"name": "Line\none", "kind": "garage"}, "one line"),
        ({"name": "Bell\x07", "kind": "garage"}, "control characters"),
        ({"name": "Ok", "kind": "spaceship"}, "Not a valid choice"),
        ({"name": "Ok", "kind": "garage", "description": "d" * 241}, "240 characters"),
        ({"name": "main lobby", "kind": "building"}, "already exists"),
    ],
)
def test_bad_locations_are_refused_with_a_message(admin, db, data, message):
    db.session.add(Location(name="Main Lobby", kind="building"))
    db.session.commit()
    page = admin.post("/admin/locations/new", _data=data, _expected_status=400)
    assert message.lower() in page.select_one(".error-summary").get_text().lower()
    assert db.session.scalar(select(Location).where(Location.name != "Main Lobby")) is None


@pytest.mark.parametrize("name", HOSTILE[:4])
def test_odd_but_harmless_names_are_stored_as_typed(admin, db, name):
    if "\u202e" in name:
        admin.post_response("/admin/locations/new", _data={"name": name, "kind": "landmark"},
                            _expected_status=400)
        return
    admin.post_response("/admin/locations/new", _data={"name": name, "kind": "landmark"},
                        _expected_status=302)
    assert db.session.scalar(select(Location.name)) == name
    assert "<script>alert(1)" not in admin.get_response("/admin/locations").get_data(as_text=True)


def test_editing_and_deactivating_a_location(admin, db):
    place = Location(name="Old Name", kind="building", description="x")
    db.session.add(place)
    db.session.commit()
    page = admin.get(f"/admin/locations/{place.id}")
    assert page.find("input", attrs={"name": "name"})["value"] == "Old Name"
    shown = admin.post(f"/admin/locations/{place.id}", _data={
        "name": "New Name", "kind": "landmark", "description": ""}, _follow_redirects=True)
    assert "New Name was saved." in flashes(shown)
    db.session.expire_all()
    place = db.session.get(Location, place.id)
    assert (place.name, place.kind, place.description, place.active) == (
        "New Name", "landmark", None, False)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "admin.location_changed"))
    assert event.detail == "New Name: name, kind, description, active"


def test_renaming_onto_another_location_is_refused(admin, db):
    db.session.add_all([Location(name="A Place", kind="building"),
                        Location(name="B Place", kind="building")])
    db.session.commit()
    b = db.session.scalar(select(Location).where(Location.name == "B Place"))
    page = admin.post(f"/admin/locations/{b.id}", _data={"name": "a place", "kind": "building",
                                                         "active": "y"}, _expected_status=400)
    assert "already exists" in page.select_one(".error-summary").get_text()


def test_a_missing_location_is_a_404(admin):
    admin.get_response("/admin/locations/987654", _expected_status=404)
