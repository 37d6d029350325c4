"""Registering must not reveal, by the work it does, whether an address has an account."""
from __future__ import annotations

from sqlalchemy import func, select

from app.core import passwords
from app.models.outbox import OutboxMessage
from tests.fixtures.auth import STRONG_PASSWORD


def registration(email: str) -> dict:
    return {"name": "Jo Smith", "email": email, "affiliation": "patient",
            "password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD}


def outbox_count(db) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def register_counting_hashes(client, db, monkeypatch, email: str):
    calls = []
    real = passwords.hash_password

    def counting(password: str) -> str:
        calls.append(password)
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    before = outbox_count(db)
    response = client.post("/register", data=registration(email))
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    response.shown = shown.replace(email, "EMAIL")
    return response, len(calls), outbox_count(db) - before


def test_registering_a_known_or_new_address_does_the_same_work(client, db, make_user,
                                                               monkeypatch):
    make_user(email="known@example.org")
    known, known_hashes, known_mail = register_counting_hashes(client, db, monkeypatch,
                                                               "known@example.org")
    new, new_hashes, new_mail = register_counting_hashes(client, db, monkeypatch,
                                                         "new@example.org")
    assert known_hashes == new_hashes == 1
    assert known_mail == new_mail == 1
    assert known.status_code == new.status_code == 302
    assert known.headers["Location"] == new.headers["Location"]
    assert known.shown == new.shown


def test_a_second_try_on_a_known_address_still_hashes_the_password(client, db, make_user,
                                                                  monkeypatch):
    make_user(email="known@example.org")
    register_counting_hashes(client, db, monkeypatch, "known@example.org")
    again, hashes, _mail = register_counting_hashes(client, db, monkeypatch, "known@example.org")
    assert hashes == 1 and again.status_code == 302


def work_done(app, client, db, url: str, email: str) -> tuple:
    """What one request did: its answer, the mail templates it rendered, audit rows written."""
    from flask import template_rendered
    from sqlalchemy import func, select

    from app.models.audit import AuditEvent

    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    before = db.session.scalar(select(func.count(AuditEvent.id)))
    with template_rendered.connected_to(note, app):
        response = client.post(url, data={"email": email})
    audits = db.session.scalar(select(func.count(AuditEvent.id))) - before
    mail = sorted(name for name in rendered if name.startswith("email/"))
    return response.status_code, response.headers.get("Location"), mail, audits


def test_forgot_password_and_resend_do_the_same_work_for_any_address(app, client, db,
                                                                    make_user):
    make_user(email="known@example.org")
    make_user(email="pending@example.org", verified=False)
    for url, known in (("/forgot-password", "known@example.org"),
                       ("/verify/resend", "pending@example.org")):
        for other in ("nobody@example.org", "known@example.org"):
            if other == known:
                continue
            assert work_done(app, client, db, url, known) == \
                work_done(app, client, db, url, other), (url, other)
