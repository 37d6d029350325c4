"""An extreme alert held for a second dispatcher can be withdrawn before it goes out: the
mistake a campus alert system must let its issuer undo (a wrong building, a drill sent as
real), without a colleague confirming it by reflex a minute later."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.alerts import CampusAlert
from app.services import alert_banner, alerts
from app.services.alerts import AlertDraft, AlertError
from tests.helpers import run_threads
from tests.unit.test_alerts import audit_actions


def test_a_withdrawn_alert_is_never_sent_and_nobody_can_confirm_it(db, make_alert, make_user):
    issuer, colleague = make_user(roles=("dispatcher",)), make_user(roles=("dispatcher",))
    alert = make_alert(severity="extreme", issuer=issuer)
    alerts.withdraw(issuer, alert.id)
    with pytest.raises(AlertError, match="withdrawn"):
        alerts.confirm(colleague, alert.id)
    db.session.rollback()
    withdrawn = db.session.get(CampusAlert, alert.id)
    assert withdrawn.withdrawn_at is not None and withdrawn.confirmed_at is None
    assert not withdrawn.awaiting_confirmation
    assert alerts.held_for_confirmation() == []
    assert alerts.public_alert(alert.id) is None and alerts.active_alerts() == []
    assert alert_banner.notices() == []
    assert audit_actions(db, alert.id) == ["alert.issued", "alert.withdrawn"]


def test_a_colleague_may_withdraw_it_too(db, make_alert, make_user):
    alert = make_alert(severity="extreme", issuer=make_user(roles=("dispatcher",)))
    alerts.withdraw(make_user(roles=("supervisor",)), alert.id)
    assert db.session.get(CampusAlert, alert.id).withdrawn_at is not None


def test_an_alert_that_is_out_is_not_withdrawn_but_updated(db, make_alert, make_user):
    alert = make_alert(severity="severe")
    with pytest.raises(AlertError, match="all clear"):
        alerts.withdraw(make_user(roles=("dispatcher",)), alert.id)
    assert [n.id for n in alert_banner.notices()] == [alert.id]
    assert audit_actions(db, alert.id) == ["alert.issued"]


def test_withdrawing_twice_says_so_and_writes_nothing_more(db, make_alert, make_user):
    issuer = make_user(roles=("dispatcher",))
    alert = make_alert(severity="extreme", issuer=issuer)
    alerts.withdraw(issuer, alert.id)
    with pytest.raises(AlertError, match="already withdrawn"):
        alerts.withdraw(issuer, alert.id)
    assert audit_actions(db, alert.id) == ["alert.issued", "alert.withdrawn"]


def test_a_withdrawn_alert_cannot_be_updated(db, make_alert, make_user):
    issuer = make_user(roles=("dispatcher",))
    alert = make_alert(severity="extreme", issuer=issuer)
    alerts.withdraw(issuer, alert.id)
    with pytest.raises(AlertError, match="out"):
        alerts.post_update(issuer, alert.id, AlertDraft("All clear", "Carry on.", "minor", 30))


def test_withdraw_and_confirm_at_once_end_in_one_of_them(app, db, make_alert, make_user):
    """The issuer withdraws while a colleague confirms (real threads; on PostgreSQL two
    connections): the alert is either out or withdrawn, never both, never neither."""
    issuer, colleague = make_user(roles=("dispatcher",)), make_user(roles=("dispatcher",))
    alert = make_alert(severity="extreme", issuer=issuer)
    outcomes = {}

    def act(name, user_id, action):
        with app.app_context():
            from app.extensions import db as session_db
            user = session_db.session.get(type(issuer), user_id)
            try:
                action(user, alert.id)
                outcomes[name] = "done"
            except AlertError:
                outcomes[name] = "refused"
            finally:
                session_db.session.remove()

    run_threads(act, [("withdraw", issuer.id, alerts.withdraw),
                      ("confirm", colleague.id, alerts.confirm)])
    assert sorted(outcomes.values()) == ["done", "refused"]
    db.session.rollback()
    row = db.session.scalar(select(CampusAlert).where(CampusAlert.id == alert.id))
    assert (row.withdrawn_at is None) != (row.confirmed_at is None)
    assert (row.confirmed_at is not None) == (outcomes["confirm"] == "done")
