"""Open311 keys and published services as an admin manages them, and `flask open311
create-key` printing a key once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core import tokens
from app.models.audit import AuditEvent
from app.models.open311 import ApiKey
from app.services import open311_keys
from tests.open311_spec import SpecClient

HOSTILE_NAMES = ["", "   ", "x" * 81, "<script>alert(1)</script>", "Line\none", "Bell\x07",
                 "Zoë \u202eevil"]


@pytest.fixture()
def admin(client_request):
    client_request.login("admin", name="Ada Admin")
    return client_request


def flashes(page) -> str:
    return " ".join(f.get_text(" ", strip=True) for f in page.select(".flash"))


def actions(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_create_key_prints_the_key_once_and_stores_only_its_hash(app, db):
    result = app.test_cli_runner().invoke(args=["open311", "create-key", "Lobby kiosk"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert raw.startswith("o311_") and len(raw) > 40
    key = db.session.scalar(select(ApiKey))
    assert key.name == "Lobby kiosk" and key.key_hash == tokens.hash_token(raw)
    assert raw not in " ".join(str(v) for v in vars(key).values())
    assert "open311.key_created" in actions(db)
    again = app.test_cli_runner().invoke(args=["open311", "create-key", "lobby KIOSK"])
    assert again.exit_code != 0 and "already a key named" in again.output


def test_the_admin_page_lists_keys_by_name_and_prefix_never_the_key(admin, api_key):
    raw = api_key("Facilities app")
    page = admin.get("admin.api_keys")
    listing = page.get_text(" ")
    assert "Facilities app" in listing and raw[:9] in listing
    assert raw not in str(page)
    assert page.find("h1").get_text() == "API keys"


def test_renaming_a_key_is_audited_and_shown(admin, api_key, db):
    api_key("Kiosk")
    key = open311_keys.list_keys()[0]
    shown = admin.post("admin.rename_api_key", key_id=key.id, _data={"name": "Lobby kiosk 2"},
                       _follow_redirects=True)
    assert "now named Lobby kiosk 2" in flashes(shown)
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).name == "Lobby kiosk 2"
    assert "open311.key_renamed" in actions(db)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_bad_key_name_is_refused_on_the_page(admin, api_key, db, name):
    api_key("Kiosk")
    key = open311_keys.list_keys()[0]
    page = admin.post("admin.rename_api_key", key_id=key.id, _data={"name": name},
                      _expected_status=400)
    assert page.select(".error-summary, .error-message, [role=alert]")
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).name == "Kiosk"


def test_a_revoked_key_is_refused_by_the_api_at_once(admin, api_key, client, make_location, db):
    raw = api_key("Kiosk")
    place = make_location("Main Lobby")
    key = open311_keys.list_keys()[0]
    shown = admin.post("admin.revoke_api_key", key_id=key.id, _follow_redirects=True)
    assert "revoked" in flashes(shown)
    assert "Revoked" in admin.get("admin.api_keys").get_text(" ")
    api = SpecClient(client)
    errors = api.post("json", api_key=raw, service_code="report-theft",
                      address_id=str(place.id), description="Bike gone.")
    assert api.last.status_code == 403 and "revoked" in errors[0]["description"]
    assert "open311.key_revoked" in actions(db)


def test_unpublishing_a_service_takes_it_off_the_api(admin, client, db):
    shown = admin.post("admin.publish_services", _data={"codes": ["report-theft"]},
                       _follow_redirects=True)
    assert "publishes 1 services" in flashes(shown)
    codes = [s["service_code"] for s in SpecClient(client).services("json")]
    assert codes == ["report-theft"]
    assert "open311.services_published" in actions(db)


@pytest.mark.parametrize("role", ["dispatcher", "officer", "advocate", "trainer", "editor", None])
def test_only_admins_open_the_key_page(login_as, role):
    assert login_as(role).get("/admin/api-keys").status_code == 403
