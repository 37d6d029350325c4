"""What staff mark "the requester sees this" reaches the requester: on the follow-up page
and, when they gave an address, by email through the outbox. Plus the page's wording."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.outbox import OutboxMessage
from app.services import dispatch
from tests.fixtures.reports import report_data
from tests.helpers import soup


def link(opened) -> str:
    return f"/track/{opened.ticket.reference}/{opened.token}"


def mails_to(db, address):
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.to_address == address,
        OutboxMessage.subject.contains("about your request"))))


def crew(make_user):
    return make_user(roles=("dispatcher",)), make_user(roles=("officer",),
                                                         display_name="Officer Lee")


def test_an_officers_resolve_note_reaches_the_requester_page_and_mail(
        client, db, make_escort, make_user):
    dispatcher, officer = crew(make_user)
    opened = make_escort(email="pat@example.org")
    ticket_id = opened.ticket.id
    dispatch.assign(ticket_id, dispatcher, None, officer)
    dispatch.move(ticket_id, officer, None, "en_route", note="Coming from the north lot.")
    dispatch.close(ticket_id, officer, None, "resolved", "completed",
                   "Walked you to platform 2; the gate code is on your ticket.")

    page = soup(client.get(link(opened))).select_one("ol.timeline").text
    assert "Coming from the north lot." in page
    assert "Walked you to platform 2; the gate code is on your ticket." in page
    bodies = [m.text_body for m in mails_to(db, "pat@example.org")]
    assert any("Walked you to platform 2" in body for body in bodies)
    assert any("Coming from the north lot." in body for body in bodies)


def test_a_cancel_note_reaches_the_requester(client, db, make_escort, make_user):
    dispatcher, _ = crew(make_user)
    opened = make_escort(email="sam@example.org")
    dispatch.close(opened.ticket.id, dispatcher, None, "cancelled", "outside_service",
                   "Please call the parking office on 555-0199.")
    assert "Please call the parking office" in soup(client.get(link(opened))).text
    assert any("parking office" in m.text_body for m in mails_to(db, "sam@example.org"))


def test_internal_notes_stay_internal_and_send_no_mail(client, db, make_escort, make_user):
    dispatcher, _ = crew(make_user)
    opened = make_escort(email="kim@example.org")
    dispatch.add_note(opened.ticket.id, dispatcher, "Caller sounded anxious")
    assert "anxious" not in soup(client.get(link(opened))).text
    assert mails_to(db, "kim@example.org") == []


def test_no_address_no_mail_but_the_page_shows_the_note(client, db, make_escort, make_user):
    dispatcher, officer = crew(make_user)
    opened = make_escort()
    dispatch.assign(opened.ticket.id, dispatcher, None, officer)
    dispatch.close(opened.ticket.id, officer, None, "resolved", "assisted", "Battery jumped.")
    assert "Battery jumped." in soup(client.get(link(opened))).text
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.subject.contains("about your request"))).all() == []


# --- wording on the requester's pages ------------------------------------------------------

def test_a_question_from_dispatch_is_a_banner_at_the_top_linked_to_the_reply_form(
        client, db, make_escort, make_user):
    dispatcher, _ = crew(make_user)
    opened = make_escort()
    dispatch.message_requester(opened.ticket.id, dispatcher, "Which door are you at?")
    page = soup(client.get(link(opened)))
    banner = page.select_one("main [role=region].question, main .question-banner")
    assert banner is not None
    assert "Dispatch has a question for you" in banner.text
    assert "Which door are you at?" in banner.text
    reply = banner.find("a", href="#reply")
    assert reply is not None and page.find(id="reply") is not None
    assert page.find(id="reply").name == "form" or page.find(id="reply").find("form")
    # above the timeline, not at its bottom
    text = page.text
    assert text.index("Dispatch has a question for you") < text.index("What has happened")


def test_no_question_banner_once_the_requester_answered(client, db, make_escort, make_user):
    dispatcher, _ = crew(make_user)
    opened = make_escort()
    dispatch.message_requester(opened.ticket.id, dispatcher, "Which door are you at?")
    client.post(link(opened) + "/message", data={"body": "The blue one."})
    page = soup(client.get(link(opened)))
    assert "Dispatch has a question for you" not in page.text


def test_a_report_page_offers_to_withdraw_the_report_not_cancel_a_request(
        client, db, make_report, make_escort):
    report, token = make_report()
    page = soup(client.get(f"/track/{report.reference}/{token}"))
    assert "Cancel this request" not in page.text
    assert page.find("a", string="Withdraw this report") is not None
    cancel = soup(client.get(f"/track/{report.reference}/{token}/cancel"))
    assert "Withdraw your report" in cancel.h1.text
    escort_page = soup(client.get(link(make_escort())))
    assert escort_page.find("a", string="Cancel this request") is not None


@pytest.mark.parametrize(("category", "words"), [
    ("suspicious_package", "your report of a suspicious package"),
    ("unauthorized_person", "your report of an unauthorized person"),
    ("hazardous_material", "your report of hazardous material"),
    ("other", "your report of a concern"),
])
def test_report_confirmation_reads_as_a_sentence(client, db, category, words):
    response = client.post(f"/report/{category}", data=report_data(),
                           content_type="multipart/form-data")
    sent = soup(client.get(response.headers["Location"]))
    assert words in " ".join(sent.text.split())


def test_my_devices_actions_are_separated_by_spaces(login_as, make_device):
    owner = login_as(None)
    make_device(owner.user)
    page = soup(owner.get("/devices/mine"))
    actions = " ".join(page.select_one("main").text.split())
    assert "·Report stolen" not in actions and "· Report stolen" in actions


def test_dv_notes_keep_the_dv_mail_rules_no_content_and_only_a_safe_address(
        db, make_user, make_dv_request):
    from app.services import support

    advocate = make_user(roles=("advocate",))
    unsafe, _ = make_dv_request(contact_method="email", contact_value="home@example.org",
                                email_is_safe=False)
    safe, _ = make_dv_request(contact_method="email", contact_value="safe@example.org",
                              email_is_safe=True)
    for request in (unsafe, safe):
        support.acknowledge(request.id, advocate, None)
        dispatch.close(request.id, advocate, None, "resolved", "assisted",
                       "Shelter bed booked at Harbour House")
    db.session.expire_all()
    bodies = [m.text_body for m in db.session.scalars(select(OutboxMessage))]
    assert not any("Harbour House" in body for body in bodies)
    assert mails_to(db, "home@example.org") == []
