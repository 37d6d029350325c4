"""`%` and `_` typed into a search box are letters, never wildcards, in every search."""
from __future__ import annotations

from tests.helpers import text


def test_a_device_lookup_for_percent_signs_lists_no_device(login_as, make_device):
    make_device(serial="AB-123-456")
    make_device(serial="CD-789-012")
    officer = login_as("officer")
    for query in ("%%%", "%%%%%%", "___", "%_%_%"):
        page = text(officer.get(f"/devices/lookup?q={query.replace('%', '%25')}"), strip=True)
        assert "device found" not in page and "devices found" not in page, query
        assert "Type at least 3 letters or digits" in page, query


def test_a_serial_lookup_needs_three_letters_or_digits(login_as, make_device):
    make_device(serial="AB-123-456")
    officer = login_as("officer")
    assert "at least 3" in text(officer.get("/devices/lookup?q=1%25%25"), strip=True)
    assert "1 device found" in text(officer.get("/devices/lookup?q=123"), strip=True)


def test_an_apb_search_for_an_underscore_matches_only_an_underscore(client, make_issue):
    make_issue(title="Parking garage safety")
    make_issue(title="Badge_reader upgrade")
    page = text(client.get("/apb/?q=_"), strip=True)
    assert "Badge_reader upgrade" in page
    assert "Parking garage safety" not in page
    page = text(client.get("/apb/?q=%25"), strip=True)
    assert "Parking garage safety" not in page and "Badge_reader" not in page


def test_searching_users_for_a_percent_sign_finds_nobody(login_as, make_user):
    make_user(name="Alice Example")
    admin = login_as("admin")
    page = text(admin.get("/admin/users?q=%25"), strip=True)
    assert "Alice Example" not in page


def test_the_dispatch_search_for_a_wildcard_finds_nothing(login_as, make_ticket):
    make_ticket(summary="Escort to garage")
    page = text(login_as("dispatcher").get("/dispatch/?q=%25%25"), strip=True)
    assert "Escort to garage" not in page
