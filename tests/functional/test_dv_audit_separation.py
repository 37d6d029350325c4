"""Nothing an admin reads pairs a DV case with the escort or alert made from it, and the
linked ticket shows dispatch only what dispatch needs."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.models.advocacy import AdvocateAuditEvent
from app.models.audit import AuditEvent
from app.models.escorts import EscortRequest
from app.models.support import WorkplaceAlert
from tests.helpers import text

DV_WORDS = re.compile(r"DVA-|\bdv\b|dv\.|advocate|support|domestic|confidential", re.I)


def linked_escort_and_alert(db, login_as, make_dv_request):
    ticket, _ = make_dv_request(help_kinds=["escort", "workplace_alert"])
    advocate = login_as("advocate", name="Avery Advocate")
    advocate.get(f"/support/advocate/{ticket.id}")
    advocate.post(f"/support/advocate/{ticket.id}/escort",
                  data={"escort-meet": "Robin", "escort-meet_at": "Staff entrance, east wing",
                        "escort-going_to": "Bus stop 4"})
    advocate.post(f"/support/advocate/{ticket.id}/alert",
                  data={"alert-person_description": "Tall man, red cap",
                        "alert-keep_out_of": "Ward 5", "alert-instructions": "Call dispatch"})
    escort = db.session.scalar(select(EscortRequest))
    alert = db.session.scalar(select(WorkplaceAlert))
    assert escort is not None and alert is not None
    return ticket, advocate, escort, alert


def test_admin_audit_log_cannot_pair_a_dv_case_with_its_linked_tickets(db, login_as,
                                                                      make_dv_request):
    ticket, advocate, escort, alert = linked_escort_and_alert(db, login_as, make_dv_request)
    admin = login_as("admin")
    page = text(admin.get("/admin/audit"))
    assert escort.reference in page and alert.reference in page
    assert ticket.reference not in page and "dv." not in page
    assert advocate.user.email not in page
    rows = db.session.scalars(select(AuditEvent)).all()
    assert not [r for r in rows if r.action.startswith("dv.") or "DVA-" in r.object_id
                or "DVA-" in r.detail or r.actor_id == advocate.user.id]
    for linked in (escort, alert):
        created = [r for r in rows if r.object_id == linked.reference]
        assert [r.action for r in created] == ["ticket.created"]
        assert created[0].actor_label == "anonymous" and created[0].ip_address is None
    filtered = text(admin.get("/admin/audit", query_string={"action": "dv."}))
    assert ticket.reference not in filtered


def test_the_pairing_is_kept_for_advocates_only(db, login_as, make_dv_request):
    ticket, advocate, escort, alert = linked_escort_and_alert(db, login_as, make_dv_request)
    records = db.session.scalars(select(AdvocateAuditEvent)).all()
    linked = {r.detail for r in records if r.object_id == ticket.reference}
    assert f"linked={escort.reference}" in linked and f"linked={alert.reference}" in linked
    page = text(advocate.get("/support/advocate/audit"))
    assert escort.reference in page and "The chain of records verifies" in page
    assert login_as("admin").get("/support/advocate/audit").status_code == 403


def test_dispatch_sees_nothing_of_dv_on_the_linked_tickets(db, login_as, make_dv_request):
    ticket, advocate, escort, alert = linked_escort_and_alert(db, login_as, make_dv_request)
    dispatcher = login_as("dispatcher")
    for linked in (escort, alert):
        page = text(dispatcher.get(f"/dispatch/tickets/{linked.id}"))
        assert linked.reference in page
        main = page.split("Skip to", 1)[-1]
        assert not DV_WORDS.search(main.replace("Support@", "")), DV_WORDS.search(main)
        assert ticket.reference not in page and "Avery" not in page
    board = text(dispatcher.get("/dispatch/"))
    assert ticket.reference not in board


def test_audit_verify_checks_both_chains(app, db, login_as, make_dv_request):
    linked_escort_and_alert(db, login_as, make_dv_request)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    record = db.session.scalar(select(AdvocateAuditEvent).order_by(AdvocateAuditEvent.seq))
    record.detail = "edited"
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "advocates' audit chain breaks at seq 1" in result.output
