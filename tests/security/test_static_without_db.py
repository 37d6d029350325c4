"""Static files never touch the database: site.js (the Shift x3 quick exit) always loads."""
from __future__ import annotations

from app import create_app


def test_site_js_loads_for_a_signed_in_browser_while_the_database_is_unreachable(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-dir' / 'portal.sqlite3'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=unreachable,
                     TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "a-session-token-that-would-need-a-database-lookup"
    response = client.get("/static/js/site.js")
    assert response.status_code == 200
    assert b"Shift" in response.data or len(response.data) > 100
