"""One EncryptedText column type: every ticket's event bodies, the DV request, the second
factor secret; `flask rotate-field-key` re-encrypts all of them."""
from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import text

from app.core import crypto
from app.models.accounts import User
from app.models.tickets import Ticket
from app.services import dispatch


def raw_bodies(db) -> list[str]:
    return [b for b in db.session.execute(text("SELECT body FROM ticket_event")).scalars() if b]


def test_a_dispatch_note_on_an_escort_is_encrypted_at_rest_and_reads_back(db, make_ticket,
                                                                          make_user):
    dispatcher = make_user(roles=("dispatcher",))
    ticket = make_ticket()
    dispatch.add_note(ticket.id, dispatcher, "gate code 4417 for the night porter")
    assert raw_bodies(db) and all(b.startswith("enc:") for b in raw_bodies(db))
    assert not any("4417" in b for b in raw_bodies(db))
    db.session.expire_all()
    notes = [e.body for e in db.session.get(Ticket, ticket.id).events]
    assert "gate code 4417 for the night porter" in notes


def test_no_template_filter_or_flush_hook_unseals_by_hand(app):
    assert "unseal" not in app.jinja_env.filters


def test_an_older_plain_body_still_reads_and_rotation_encrypts_it(app, db, make_ticket):
    ticket = make_ticket()
    db.session.execute(text("UPDATE ticket_event SET body = 'typed before encryption'"))
    db.session.commit()
    db.session.expire_all()
    assert "typed before encryption" in [e.body for e in db.session.get(Ticket, ticket.id).events]
    result = app.test_cli_runner().invoke(args=["rotate-field-key"])
    assert result.exit_code == 0, result.output
    assert not any("typed before" in b for b in raw_bodies(db))
    db.session.expire_all()
    assert "typed before encryption" in [e.body for e in db.session.get(Ticket, ticket.id).events]


def test_rotation_keeps_an_admins_second_factor_readable_under_the_new_key_alone(
        app, db, make_user, monkeypatch):
    admin = make_user(roles=("admin",))
    secret = admin.totp_secret
    old = app.config["FIELD_ENCRYPTION_KEY"]
    new = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", f"{new},{old}")
    result = app.test_cli_runner().invoke(args=["rotate-field-key"])
    assert result.exit_code == 0, result.output
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", new)
    db.session.expire_all()
    assert db.session.get(User, admin.id).totp_secret == secret


def test_rotation_with_a_key_that_cannot_read_the_data_stops_and_changes_nothing(
        app, db, make_user, monkeypatch):
    admin = make_user(roles=("admin",))
    stored = db.session.execute(text('SELECT totp_secret FROM "user" WHERE id = :i'),
                                {"i": admin.id}).scalar()
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode())
    result = app.test_cli_runner().invoke(args=["rotate-field-key"])
    assert result.exit_code != 0 and "cannot be read" in result.output
    db.session.rollback()
    after = db.session.execute(text('SELECT totp_secret FROM "user" WHERE id = :i'),
                               {"i": admin.id}).scalar()
    assert after == stored
    assert crypto.UNREADABLE_TEXT not in (after or "")
