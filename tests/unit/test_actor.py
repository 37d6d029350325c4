"""The web layer says who acts: the audit trail and the session row take the client's
address and user agent from the Actor the request built, never from the request itself."""
from __future__ import annotations

from sqlalchemy import select

from app.core.database import use_case
from app.models.accounts import LoginSession
from app.models.audit import AuditEvent
from app.services import audit
from tests.fixtures.accounts import TEST_PASSWORD


def test_signing_in_records_the_client_address_and_user_agent(client, db, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"},
                           headers={"User-Agent": "Tired Browser/1.0"})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
    assert event.ip_address == "203.0.113.9"
    row = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert row.user_agent == "Tired Browser/1.0" and row.revoked_at is None
    assert client.get("/account/").status_code == 200  # the cookie carries the session


def test_a_service_run_outside_a_request_records_no_address(app, db):
    use_case(lambda: audit.record("test.worker", None, "thing", 1))()
    assert db.session.scalar(select(AuditEvent.ip_address)) is None


def test_signing_out_ends_the_session_row_and_the_cookie(login_as, db):
    client = login_as("editor")
    client.post("/logout")
    assert db.session.scalar(select(LoginSession.revoked_at)) is not None
    assert client.get("/account/").status_code == 302
