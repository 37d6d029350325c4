"""DV assistance services: privacy on submission, encryption at rest, advocate actions,
linked escorts and alerts, retention purge, key rotation."""
from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text, update

from app.core import crypto
from app.models.advocacy import AdvocateAuditEvent
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.support import SupportLink, SupportRequest, WorkplaceAlert
from app.models.tickets import Ticket
from app.services import dispatch, support
from tests.fixtures.support import SECRETS, assert_no_secrets


def raw_dump(db) -> str:
    """Every row of every DV-related table, as the database stores it."""
    parts = []
    for table in ("ticket", "support_request", "ticket_event", "audit_event", "outbox_message"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
        parts.append(repr(rows))
    return "\n".join(parts)


# --- crypto -------------------------------------------------------------------------------

def test_keys_must_be_32_byte_urlsafe_base64(app):
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.fernet("not a key")
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.fernet("c2hvcnQ=")
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.fernet(" , ")
    assert crypto.fernet(Fernet.generate_key().decode())


def test_multifernet_decrypts_with_old_key_and_rotates_to_new(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = crypto.fernet(old).encrypt(b"secret").decode()
    both = crypto.fernet(f"{new},{old}")
    assert both.decrypt(token.encode()) == b"secret"
    rotated = both.rotate(token.encode())
    assert crypto.fernet(new).decrypt(rotated) == b"secret"


def test_seal_and_unseal(db):
    sealed = crypto.seal("hello")
    assert sealed.startswith("enc:") and "hello" not in sealed
    assert crypto.is_sealed(sealed) and crypto.unseal(sealed) == "hello"
    assert not crypto.is_sealed("enc:typed by a person")
    assert crypto.unseal("plain") == "plain"
    assert crypto.unseal(None) is None
    assert "cannot be read" in crypto.unseal("enc:garbage")


# --- submission ---------------------------------------------------------------------------

def test_request_is_confidential_p2_neutral_and_encrypted_at_rest(db, make_dv_request):
    ticket, token = make_dv_request()
    assert ticket.reference.startswith("DVA-") and token
    assert ticket.kind == "dv" and ticket.confidential and ticket.priority == 2
    assert ticket.summary == "Support request"
    assert ticket.contact_phone is None and ticket.contact_name is None
    db.session.expire_all()
    loaded = db.session.get(SupportRequest, ticket.id)
    assert loaded.details == SECRETS[0] and loaded.code_word == SECRETS[1]
    assert_no_secrets(raw_dump(db))


def test_request_is_not_linked_to_the_account_without_opt_in(db, make_dv_request, make_user):
    user = make_user()
    ticket, _ = make_dv_request(actor=user)
    assert ticket.requester_id is None
    created = db.session.scalar(select(AdvocateAuditEvent).where(
        AdvocateAuditEvent.object_id == ticket.reference))
    assert created.actor_id is None and created.ip_address is None


def test_opt_in_links_the_request(db, make_dv_request, make_user):
    user = make_user()
    ticket, _ = make_dv_request(actor=user, show_in_my_requests=True)
    assert ticket.requester_id == user.id and ticket.show_in_my_requests


def test_opt_in_without_an_account_links_nothing(db, make_dv_request):
    ticket, _ = make_dv_request(show_in_my_requests=True)
    assert ticket.requester_id is None and not ticket.show_in_my_requests


def test_no_email_without_a_safe_address(db, make_dv_request):
    make_dv_request(contact_method="email", contact_value="robin@example.org",
                    email_is_safe=False)
    make_dv_request()
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_safe_address_gets_a_neutral_confirmation(db, make_dv_request):
    ticket, token = make_dv_request(contact_method="email", contact_value="robin@example.org",
                                    email_is_safe=True)
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "robin@example.org"
    assert ticket.reference in message.text_body and token in message.text_body
    assert_no_secrets(message.subject + message.text_body)


def test_double_submission_makes_one_request(db):
    data = support.RequestData(**{**_data_dict(), "details": "once"})
    first = support.submit_request(data, None, "same-key-1234567890")
    second = support.submit_request(data, None, "same-key-1234567890")
    assert second.duplicate and second.ticket.id == first.ticket.id and second.token is None
    assert db.session.query(SupportRequest).count() == 1


def _data_dict():
    from tests.fixtures.support import request_data

    return request_data().__dict__


def test_no_help_kind_is_refused(db):
    with pytest.raises(support.SupportError):
        support.submit_request(support.RequestData(**{**_data_dict(), "help_kinds": ["bogus"]}),
                               None, None)
    assert db.session.query(Ticket).count() == 0


# --- the advocate -------------------------------------------------------------------------

def test_advocate_actions_are_audited_and_event_bodies_encrypted(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, token = make_dv_request()
    support.acknowledge(ticket.id, advocate, ticket.version)
    support.add_note(ticket.id, advocate, "note about zebra-7731 internal")
    support.message_person(ticket.id, advocate, "reply quokka to the person")
    support.person_reply(ticket.reference, token, "person says Robin-Q is fine")
    viewed = support.view_request(ticket.id, advocate)
    assert viewed is not None
    bodies = [e.body for e in db.session.get(SupportRequest, ticket.id).events]
    assert "note about zebra-7731 internal" in bodies
    assert_no_secrets(raw_dump(db))
    actions = set(db.session.scalars(select(AdvocateAuditEvent.action)))
    assert {"dv.view", "ticket.status", "ticket.note", "ticket.message", "dv.reply"} <= actions


def test_person_timeline_shows_messages_not_notes(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, token = make_dv_request()
    support.add_note(ticket.id, advocate, "internal only")
    support.message_person(ticket.id, advocate, "Hello from the advocate")
    lines = support.person_timeline(db.session.get(SupportRequest, ticket.id))
    bodies = [body for _, _, body in lines]
    assert "Hello from the advocate" in bodies and "internal only" not in bodies


def test_other_staff_cannot_act_on_a_request(db, make_dv_request, make_user):
    ticket, _ = make_dv_request()
    for role in ("dispatcher", "admin", "officer"):
        staff = make_user(roles=(role,))
        assert support.view_request(ticket.id, staff) is None
        with pytest.raises(dispatch.DispatchError):
            support.add_note(ticket.id, staff, "x")
        with pytest.raises(dispatch.DispatchError):
            dispatch.add_note(ticket.id, staff, "x")


def test_message_to_a_safe_address_says_only_that_there_is_news(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request(contact_method="email", contact_value="robin@example.org",
                                email_is_safe=True)
    support.message_person(ticket.id, advocate, "zebra-7731 secret plan")
    texts = [m.text_body + m.subject for m in db.session.scalars(select(OutboxMessage))]
    assert len(texts) == 2
    assert all("zebra-7731" not in t for t in texts)


def test_close_with_outcome_and_internal_note(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    support.close_request(ticket.id, advocate, ticket.version, "resolved:assisted",
                          "closing zebra-7731")
    closed = db.session.get(SupportRequest, ticket.id)
    assert closed.status == "resolved" and closed.outcome == "assisted" and closed.closed_at
    assert closed.outcome_detail is None
    assert_no_secrets(raw_dump(db))
    with pytest.raises(dispatch.DispatchError):
        support.close_request(ticket.id, advocate, None, "resolved:forged")


def test_close_with_a_stale_version_is_a_conflict(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    with pytest.raises(dispatch.TicketConflict):
        support.close_request(ticket.id, advocate, ticket.version + 5, "resolved:assisted")


def test_linked_escort_carries_only_what_dispatch_needs(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    opened = support.create_escort(ticket.id, advocate, support.LinkedEscort(
        meet="Robin", meet_at="East lobby", going_to="Bus stop 4", requested_for=None,
        phone=None))
    escort = db.session.get(Ticket, opened.ticket.id)
    assert escort.kind == "escort" and not escort.confidential and escort.requester_id is None
    escort_text = repr({c.key: getattr(escort, c.key) for c in escort.__mapper__.column_attrs})
    assert "DVA-" not in escort_text and "Support" not in escort_text
    assert_no_secrets(escort_text + repr([e.body for e in escort.events]))
    link = db.session.scalar(select(SupportLink))
    assert link.support_id == ticket.id and link.ticket_id == escort.id


def test_linked_alert(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    opened = support.create_alert(ticket.id, advocate, person_description="Tall man, red cap",
                                  keep_out_of="Ward 5", valid_until=None, instructions=None)
    alert = db.session.get(WorkplaceAlert, opened.ticket.id)
    assert alert.reference.startswith("ALR-") and alert.priority == 2 and not alert.confidential
    assert "Ward 5" in alert.summary
    with pytest.raises(dispatch.DispatchError):
        support.create_alert(ticket.id, advocate, person_description="x", keep_out_of="y",
                             valid_until=utcnow().date() - timedelta(days=2), instructions=None)


# --- retention, counts, rotation ----------------------------------------------------------

def _closed(db, make_dv_request, make_user, days_ago: int):
    advocate = make_user(roles=("advocate",))
    ticket, token = make_dv_request()
    support.create_escort(ticket.id, advocate, support.LinkedEscort(
        meet="R", meet_at="A", going_to="B", requested_for=None, phone=None))
    support.close_request(ticket.id, advocate, None, "resolved:assisted", "zebra-7731 note")
    row = db.session.get(SupportRequest, ticket.id)
    row.closed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return row, token


def test_purge_erases_old_closed_requests_and_leaves_a_tombstone(db, make_dv_request, make_user):
    old, token = _closed(db, make_dv_request, make_user, days_ago=91)
    recent, _ = _closed(db, make_dv_request, make_user, days_ago=10)
    still_open, _ = make_dv_request()
    assert support.purge_expired() == 1
    db.session.expire_all()
    tomb = db.session.get(SupportRequest, old.id)
    assert tomb.erased_at and tomb.reference == old.reference and tomb.outcome == "assisted"
    assert tomb.created_at and tomb.closed_at
    assert tomb.details is None and tomb.code_word is None and tomb.contact_value is None
    assert tomb.events == [] and tomb.links == []
    assert db.session.get(SupportRequest, recent.id).details is not None
    assert db.session.get(SupportRequest, still_open.id).details is not None
    assert support.purge_expired() == 0  # idempotent
    assert support.counts() == {"open": 1, "closed": 2}
    assert support.person_view(old.reference, token) is None  # the old link opens nothing
    assert db.session.scalar(select(AdvocateAuditEvent).where(
        AdvocateAuditEvent.action == "dv.purged"))


def test_purge_also_erases_the_linked_escort_and_the_mail_about_the_request(
        db, make_dv_request, make_user):
    from app.models.escorts import EscortRequest
    from app.models.outbox import OutboxMessage

    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request(contact_method="email", contact_value="safe@example.org",
                               email_is_safe=True)
    support.create_escort(ticket.id, advocate, support.LinkedEscort(
        meet="Sam at the north door", meet_at="North entrance",
        going_to="Garage B level 2", requested_for=None, phone="555 010 9999"))
    escort = db.session.scalar(select(EscortRequest))
    assert escort.requester_id is None
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "ticket.created", AuditEvent.object_id == escort.reference))
    assert created.actor_id is None and created.ip_address is None
    row = db.session.get(SupportRequest, ticket.id)
    row.status, row.outcome = "resolved", "assisted"
    row.closed_at = utcnow() - timedelta(days=91)
    escort.status = "resolved"
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) >= 1
    assert support.purge_expired() == 1
    db.session.expire_all()
    escort = db.session.get(EscortRequest, escort.id)
    assert escort.contact_name is None and escort.contact_phone is None
    assert escort.from_other is None and escort.needs is None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_sent_dv_mail_is_forgotten_by_the_worker(db, make_dv_request):
    from app.models.outbox import OutboxMessage

    make_dv_request(contact_method="email", contact_value="safe@example.org", email_is_safe=True)
    db.session.execute(update(OutboxMessage).values(status="sent"))
    db.session.commit()
    assert support.forget_sent_mail() == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_purge_respects_the_retention_setting(app, db, make_dv_request, make_user, monkeypatch):
    _closed(db, make_dv_request, make_user, days_ago=10)
    monkeypatch.setitem(app.config, "DV_RETENTION_DAYS", 5)
    assert support.purge_expired() == 1


def test_purge_is_a_registered_periodic_job(app):
    from app.ops.jobs import all_jobs

    assert "support.purge_expired" in {job.name for job in all_jobs()}


def test_purge_cli(app, db, make_dv_request, make_user):
    _closed(db, make_dv_request, make_user, days_ago=200)
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0 and "erased: 1" in result.output
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert "erased: 0" in result.output


def test_reencrypt_under_a_new_key(app, db, make_dv_request, make_user, monkeypatch):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    support.add_note(ticket.id, advocate, "rotate me")
    old = app.config["FIELD_ENCRYPTION_KEY"]
    new = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", f"{new},{old}")
    assert support.reencrypt_all() == 1
    monkeypatch.setitem(app.config, "FIELD_ENCRYPTION_KEY", new)
    db.session.expire_all()
    row = db.session.get(SupportRequest, ticket.id)
    assert row.details == SECRETS[0]
    assert "rotate me" in [e.body for e in row.events]
    event_bodies = db.session.execute(text("SELECT body FROM ticket_event")).scalars().all()
    assert all(not b or b.startswith("enc:") for b in event_bodies)


def test_a_reply_that_starts_with_enc_is_still_encrypted(db, make_dv_request, make_user):
    advocate = make_user(roles=("advocate",))
    ticket, _ = make_dv_request()
    support.add_note(ticket.id, advocate, "enc:he took my phone, ü")
    raw = db.session.execute(text("SELECT body FROM ticket_event")).scalars().all()
    assert not any("he took my phone" in (body or "") for body in raw)
    db.session.expire_all()
    bodies = [e.body for e in db.session.get(SupportRequest, ticket.id).events]
    assert "enc:he took my phone, ü" in bodies


def test_demo_seeds_one_fictional_sample_once(db):
    from app.demo import support as demo

    demo.seed()
    db.session.commit()
    demo.seed()
    db.session.commit()
    requests = db.session.scalars(select(SupportRequest)).all()
    assert len(requests) == 1 and "fictional" in requests[0].details
    assert requests[0].confidential and requests[0].summary == "Support request"
