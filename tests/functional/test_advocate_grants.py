"""Who may become an advocate: an admin alone cannot hand DV access to an account they
control; a different, existing advocate must approve; every advocate hears of it."""
from __future__ import annotations

from sqlalchemy import select

from app.models.accounts import User
from app.models.advocacy import AdvocateGrant
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from tests.fixtures.accounts import totp_code
from tests.helpers import soup, text


def roles_of(db, user) -> frozenset[str]:
    db.session.expire_all()
    return db.session.get(User, user.id).role_names


def mails(db, subject_part: str) -> dict[str, OutboxMessage]:
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.contains(subject_part)))
    return {row.to_address: row for row in rows}


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def roles_form(admin, roles):
    """The roles form as the admin sends it: the roles and a fresh code from their app."""
    return {"roles": roles, "code": totp_code(admin.user)}


def code_form(advocate):
    """An advocate's decision as their page sends it: a fresh code from their own app."""
    return {"code": totp_code(advocate)}


def ask_for_advocate(admin, target):
    return admin.post(f"/admin/users/{target.id}/roles", data=roles_form(admin, ["advocate"]),
                      follow_redirects=True)


def test_admin_cannot_make_a_controlled_account_an_advocate_alone(db, login_as, make_user):
    make_user(roles=("advocate",))
    admin = login_as("admin")
    puppet = make_user()
    response = ask_for_advocate(admin, puppet)
    assert response.status_code == 200
    assert "waits for another advocate's approval" in text(response)
    assert "advocate" not in roles_of(db, puppet)
    as_puppet = login_as(user=puppet)
    assert as_puppet.get("/support/advocate/").status_code == 403
    assert as_puppet.get("/support/advocate/access").status_code == 403
    assert "advocate.grant_requested" in actions(db)


def test_with_no_advocate_yet_the_admin_is_sent_to_the_server_command(db, login_as, make_user):
    admin = login_as("admin")
    puppet = make_user()
    response = ask_for_advocate(admin, puppet)
    assert "flask grant-advocate" in text(response)
    assert "advocate" not in roles_of(db, puppet)
    assert db.session.query(AdvocateGrant).count() == 0


def test_another_advocate_approves_and_every_advocate_is_mailed(db, login_as, make_user):
    first = make_user(roles=("advocate",))
    second = make_user(roles=("advocate",))
    admin = login_as("admin")
    newcomer = make_user(second_factor=True)
    ask_for_advocate(admin, newcomer)
    asked = mails(db, "waiting for approval")
    assert set(asked) == {first.email, second.email}
    assert newcomer.email in asked[first.email].text_body
    grant = db.session.scalar(select(AdvocateGrant))

    approver = login_as(user=second)
    page = approver.get("/support/advocate/access")
    assert newcomer.name in text(page)
    response = approver.post(f"/support/advocate/access/{grant.id}/approve",
                             data=code_form(second), follow_redirects=True)
    assert "Approved" in text(response)
    assert "advocate" in roles_of(db, newcomer)
    assert login_as(user=newcomer).get("/support/advocate/").status_code == 200
    approved = mails(db, "was approved")
    assert set(approved) == {first.email, second.email, newcomer.email}
    assert "advocate.grant_approved" in actions(db)


def test_the_grantee_cannot_approve_their_own_grant(db, login_as, make_user):
    """The account concerned never decides its own request (here: its own revocation)."""
    make_user(roles=("advocate",))
    lone = make_user(roles=("advocate",))
    admin = login_as("admin")
    admin.post(f"/admin/users/{lone.id}/roles", data=roles_form(admin, []),
               follow_redirects=True)
    grant = db.session.scalar(select(AdvocateGrant))
    assert grant.change == "revoke" and "advocate" in roles_of(db, lone)
    own = login_as(user=lone)
    assert "Another advocate must decide this one" in text(own.get("/support/advocate/access"))
    response = own.post(f"/support/advocate/access/{grant.id}/approve", data=code_form(lone),
                        follow_redirects=True)
    assert "Another advocate must decide this" in text(response)
    assert "advocate" in roles_of(db, lone)
    db.session.expire_all()
    assert db.session.get(AdvocateGrant, grant.id).status == "pending"
    assert "advocate.self_approval_refused" in actions(db)


def test_revocation_approved_by_another_advocate_takes_the_role_and_mails(db, login_as,
                                                                         make_user):
    keeper = make_user(roles=("advocate",))
    leaver = make_user(roles=("advocate",))
    admin = login_as("admin")
    admin.post(f"/admin/users/{leaver.id}/roles", data=roles_form(admin, ["dispatcher"]),
               follow_redirects=True)
    assert roles_of(db, leaver) == {"dispatcher", "advocate"}
    grant = db.session.scalar(select(AdvocateGrant))
    login_as(user=keeper).post(f"/support/advocate/access/{grant.id}/approve",
                               data=code_form(keeper))
    assert roles_of(db, leaver) == {"dispatcher"}
    assert set(mails(db, "taken away")) == {keeper.email, leaver.email}


def test_an_admin_cannot_approve_and_a_decline_changes_nothing(db, login_as, make_user):
    reviewer = make_user(roles=("advocate",))
    admin = login_as("admin")
    puppet = make_user()
    ask_for_advocate(admin, puppet)
    grant = db.session.scalar(select(AdvocateGrant))
    assert admin.post(f"/support/advocate/access/{grant.id}/approve").status_code == 403
    login_as(user=reviewer).post(f"/support/advocate/access/{grant.id}/decline",
                                 data=code_form(reviewer))
    db.session.expire_all()
    assert db.session.get(AdvocateGrant, grant.id).status == "declined"
    assert "advocate" not in roles_of(db, puppet)


def test_the_first_advocate_comes_from_the_server_command(app, db, make_user):
    first = make_user()
    result = app.test_cli_runner().invoke(args=["grant-advocate", first.email])
    assert result.exit_code == 0, result.output
    assert "advocate" in roles_of(db, first)
    assert "advocate.grant_on_server" in actions(db)
    admin_too = make_user(roles=("admin",))
    refused = app.test_cli_runner().invoke(args=["grant-advocate", admin_too.email])
    assert refused.exit_code != 0 and "cannot be both" in refused.output


def test_approving_without_a_fresh_code_of_ones_own_changes_nothing(db, login_as, make_user):
    """Giving DV access is granting a role: a signed-in session alone (a borrowed or stolen
    one) cannot do it without the advocate's own second factor."""
    reviewer = make_user(roles=("advocate",))
    admin = login_as("admin")
    newcomer = make_user(second_factor=True)
    ask_for_advocate(admin, newcomer)
    grant = db.session.scalar(select(AdvocateGrant))
    as_reviewer = login_as(user=reviewer)
    for data in ({}, {"code": "000000"}, {"code": "12345\r\n6"}):
        response = as_reviewer.post(f"/support/advocate/access/{grant.id}/approve", data=data,
                                    follow_redirects=True)
        assert response.status_code == 200
        assert "Approved" not in text(response)
        assert "advocate" not in roles_of(db, newcomer)
    db.session.expire_all()
    assert db.session.get(AdvocateGrant, grant.id).status == "pending"
    page = soup(as_reviewer.get("/support/advocate/access"))
    code = page.find("input", attrs={"name": "code"})
    assert code is not None and page.find("label", attrs={"for": code["id"]}) is not None


def _withdraw(admin, target):
    page = soup(admin.get(f"/admin/users/{target.id}"))
    form = page.find("form", action=f"/admin/users/{target.id}/advocate-request/withdraw")
    assert form is not None, "no withdraw button on the user page"
    token = form.find("input", attrs={"name": "csrf_token"})
    data = {"csrf_token": token["value"]} if token else {}
    return admin.post(form["action"], data=data, follow_redirects=True)


def test_an_admin_withdraws_a_pending_request_and_the_advocates_hear(db, login_as, make_user):
    advocate = make_user(roles=("advocate",))
    admin = login_as("admin")
    mistaken = make_user()
    ask_for_advocate(admin, mistaken)
    response = _withdraw(admin, mistaken)
    assert response.status_code == 200
    assert "withdrawn" in text(response)
    assert "Waiting for another advocate" not in text(response)
    db.session.expire_all()
    grant = db.session.scalar(select(AdvocateGrant))
    assert grant.status == "withdrawn" and grant.decided_by_id == admin.user.id
    assert "advocate.grant_withdrawn" in actions(db)
    assert advocate.email in mails(db, "withdrawn")
    approver = login_as(user=advocate)
    assert mistaken.email not in text(approver.get("/support/advocate/access"))
    refused = approver.post(f"/support/advocate/access/{grant.id}/approve",
                            data=code_form(advocate), follow_redirects=True)
    assert "no longer waiting" in text(refused)
    assert "advocate" not in roles_of(db, mistaken)


def test_after_withdrawing_the_admin_may_ask_again(db, login_as, make_user):
    make_user(roles=("advocate",))
    admin = login_as("admin")
    target = make_user()
    ask_for_advocate(admin, target)
    _withdraw(admin, target)
    again = ask_for_advocate(admin, target)
    assert "waits for another advocate's approval" in text(again)
    assert db.session.query(AdvocateGrant).filter_by(status="pending").count() == 1


def test_withdrawing_twice_or_nothing_is_a_clear_message(db, login_as, make_user):
    make_user(roles=("advocate",))
    admin = login_as("admin")
    target = make_user()
    ask_for_advocate(admin, target)
    page = soup(admin.get(f"/admin/users/{target.id}"))
    action = f"/admin/users/{target.id}/advocate-request/withdraw"
    token = page.find("form", action=action).find("input", attrs={"name": "csrf_token"})
    data = {"csrf_token": token["value"]} if token else {}
    admin.post(action, data=data)
    second = admin.post(action, data=data, follow_redirects=True)
    assert second.status_code == 200
    assert "no request waiting" in text(second).lower()
    assert actions(db).count("advocate.grant_withdrawn") == 1
