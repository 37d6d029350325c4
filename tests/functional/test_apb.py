"""The APB newsletter as readers, subscribers and editors use it."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
from sqlalchemy import func, select

from app import create_app
from app.models.apb import CONFIRMED, PENDING, UNSUBSCRIBED, NewsletterIssue, Subscriber
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.services import apb
from tests.helpers import soup


def link_in(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"https?://\S+{path}\S+", message.text_body)
    assert match, message.text_body
    return "/" + match.group(0).split("/", 3)[3]


# Reading --------------------------------------------------------------------------------


def test_archive_lists_published_issues_newest_first_and_hides_drafts(client_request, make_issue):
    make_issue(title="Older alert", days_ago=30)
    make_issue(title="Newer tip", days_ago=2)
    make_issue(title="Secret draft", status="draft")
    page = client_request.get("/apb/")
    titles = [h.get_text(strip=True) for h in page.select(".issue-list h2")]
    assert titles == ["Newer tip", "Older alert"]


def test_archive_is_paginated(client_request, make_issue):
    for n in range(12):
        make_issue(title=f"Issue {n:02d}", days_ago=n + 1)
    first = client_request.get("/apb/")
    assert len(first.select(".issue-list li")) == 10
    second = client_request.get("/apb/?page=2")
    assert [h.get_text(strip=True) for h in second.select(".issue-list h2")] == [
        "Issue 10",
        "Issue 11",
    ]
    client_request.get_response("/apb/?page=999")
    client_request.get_response("/apb/?page=abc")


def test_search_finds_words_in_title_and_text(client_request, make_issue):
    make_issue(title="Garage thefts", body="Cars broken into in Garage B.")
    make_issue(title="Seminar news", body="De-escalation sessions open.")
    page = client_request.get("/apb/?q=escalation")
    assert [h.get_text(strip=True) for h in page.select(".issue-list h2")] == ["Seminar news"]
    hostile = client_request.get_response("/apb/?q=%25%27%20OR%201%3D1--%20<script>")
    assert "<script>" not in hostile.get_data(as_text=True)


def test_issue_page_has_a_stable_readable_url_and_shows_updates(client_request, db, make_issue):
    issue = make_issue(title="Theft alert")
    page = client_request.get(f"/apb/issues/{issue.slug}")
    assert page.h1.get_text(strip=True) == "Theft alert"
    assert "Updated" not in page.get_text()
    issue.edited_at = utcnow()
    db.session.commit()
    assert "Updated" in client_request.get(f"/apb/issues/{issue.slug}").get_text()


def test_drafts_and_unknown_slugs_are_not_found(client_request, make_issue):
    draft = make_issue(status="draft")
    client_request.get_response(f"/apb/issues/{draft.slug}", _expected_status=404)
    client_request.get_response("/apb/issues/no-such-issue", _expected_status=404)


def test_atom_feed_is_valid_and_linked_from_every_apb_page(client_request, make_issue):
    issue = make_issue(title="Alert & tips <today>")
    response = client_request.get_response("/apb/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.entries[0].title == "Alert & tips <today>"
    assert feed.entries[0].link.endswith(f"/apb/issues/{issue.slug}")
    for path in ("/apb/", f"/apb/issues/{issue.slug}", "/apb/subscribe"):
        page = client_request.get(path)
        assert page.find("link", rel="alternate", type="application/atom+xml")


def test_empty_feed_is_still_valid(client_request, db):
    feed = feedparser.parse(client_request.get_response("/apb/feed.atom").get_data())
    assert feed.bozo == 0
    assert feed.entries == []


# Subscribing ----------------------------------------------------------------------------


def test_subscribe_confirm_then_unsubscribe_and_undo(client_request, db):
    shown = client_request.post("/apb/subscribe", _data={"email": " Reader@Example.org "})
    assert "Check your email" in shown.h1.get_text()
    subscriber = db.session.scalar(select(Subscriber))
    assert (subscriber.email, subscriber.status) == ("reader@example.org", PENDING)
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "reader@example.org"

    confirm_path = link_in(message, "/apb/confirm/")
    assert "Confirm" in client_request.get(confirm_path).h1.get_text()
    assert db.session.get(Subscriber, subscriber.id).status == PENDING  # GET changes nothing
    client_request.post_response(confirm_path)
    assert db.session.get(Subscriber, subscriber.id).status == CONFIRMED

    unsubscribe_path = "/apb/unsubscribe/" + apb.unsubscribe_url(subscriber).rsplit("/", 1)[1]
    page = client_request.post(unsubscribe_path)
    assert "You are unsubscribed" in page.h1.get_text()
    assert db.session.get(Subscriber, subscriber.id).status == UNSUBSCRIBED
    client_request.post_response(page.find("form")["action"], _expected_status=302)
    assert db.session.get(Subscriber, subscriber.id).status == CONFIRMED


def test_subscribing_an_address_already_subscribed_says_nothing_about_it(
    client_request, db, make_subscriber
):
    make_subscriber(email="known@example.org")
    known = client_request.post("/apb/subscribe", _data={"email": "known@example.org"})
    unknown = client_request.post("/apb/subscribe", _data={"email": "new@example.org"})
    assert known.main.get_text() == unknown.main.get_text()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # only the new one


def test_no_mail_goes_to_an_unconfirmed_address(client_request, db, make_issue, make_subscriber):
    make_subscriber(email="pending@example.org", status=PENDING)
    confirmed = make_subscriber(email="yes@example.org")
    issue = make_issue(fanned_out=False)
    apb.fanout()
    recipients = db.session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.dedupe_key.like(f"apb:{issue.id}:%"))
    ).all()
    assert recipients == [confirmed.email]


def test_one_click_unsubscribe_works_for_mail_clients_without_csrf_token(db, app, make_subscriber):
    csrf_app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
    )
    subscriber = make_subscriber()
    token = apb.unsubscribe_url(subscriber).rsplit("/", 1)[1]
    with csrf_app.test_client() as mail_client:
        response = mail_client.post(
            f"/apb/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
        )
    assert response.status_code == 200
    db.session.commit()
    assert db.session.get(Subscriber, subscriber.id).status == UNSUBSCRIBED


def test_forged_and_expired_tokens_get_a_clear_page(client_request, db, make_subscriber,
                                                    monkeypatch):
    subscriber = make_subscriber(status=PENDING)
    for path in ("/apb/confirm/forged", "/apb/unsubscribe/forged.token.here"):
        page = client_request.post(path, _expected_status=400)
        assert "This link does not work" in page.h1.get_text()
    from app.core import tokens

    token = tokens.sign("apb-confirm", {"s": subscriber.id, "e": subscriber.email})
    client_request.application.config["EMAIL_TOKEN_MAX_AGE"] = -1
    try:
        expired = client_request.post(f"/apb/confirm/{token}", _expected_status=400)
    finally:
        client_request.application.config["EMAIL_TOKEN_MAX_AGE"] = 3 * 24 * 3600
    assert "expired" in expired.get_text()
    # an unsubscribe token cannot confirm, and a confirm token cannot unsubscribe
    client_request.post_response(f"/apb/unsubscribe/{token}", _expected_status=400)


def test_malformed_emails_get_a_message_on_the_form(client_request, db):
    for bad in [
        "",
        "not-an-email",
        "a@b",
        "x" * 300 + "@example.org",
        "<script>@x.org",
        "' OR 1=1 --@example.org",
        "reader@exa\u202emple.org",
    ]:
        response = client_request.post_response("/apb/subscribe", _data={"email": bad})
        page = soup(response)
        assert page.select_one(".error-summary"), bad
        assert "<script>" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Subscriber.id))) == 0


def test_members_find_their_address_filled_in(login_as):
    client = login_as(None)
    page = soup(client.get("/apb/subscribe"))
    assert page.find("input", {"name": "email"})["value"] == client.user.email


# Editors --------------------------------------------------------------------------------


def test_editor_writes_previews_and_publishes_an_issue(login_as, db):
    editor = login_as("editor")
    response = editor.post(
        "/apb/manage/new",
        data={
            "title": "Bike thefts",
            "summary": "Lock both wheels.",
            "body": "## Tips\n\nUse a **U-lock**.\n\n<script>alert(1)</script>",
            "action": "save",
        },
    )
    issue = db.session.scalar(select(NewsletterIssue))
    assert response.headers["Location"].endswith(f"/apb/manage/{issue.id}/preview")
    assert issue.status == "draft" and "<script" not in issue.body_html
    preview = soup(editor.get(f"/apb/manage/{issue.id}/preview"))
    assert "Use a U-lock." in preview.get_text()
    assert "Use a U-lock." in preview.select_one(".email-text").get_text()  # not Markdown
    assert "alert(1)" not in preview.select_one(".email-text").get_text()
    editor.post(f"/apb/manage/{issue.id}/publish")
    db.session.refresh(issue)
    assert issue.status == "published" and issue.published_at is not None
    assert editor.get(f"/apb/issues/{issue.slug}").status_code == 200


def test_editing_a_published_issue_shows_updated_and_sends_nothing_new(
    login_as, db, make_issue, make_subscriber
):
    make_subscriber()
    issue = make_issue()
    editor = login_as("editor")
    editor.post(
        f"/apb/manage/{issue.id}/edit",
        data={
            "title": issue.title,
            "summary": "New summary",
            "body": "Corrected text.",
            "version": issue.version,
            "action": "save",
        },
    )
    db.session.refresh(issue)
    assert issue.edited_at is not None and issue.summary == "New summary"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_two_editors_saving_at_once_do_not_overwrite_each_other(login_as, db, make_issue):
    issue = make_issue(status="draft")
    seen = issue.version
    first, second = login_as("editor"), login_as("editor")
    data = {"title": "T", "summary": "S", "body": "B", "version": seen, "action": "save"}
    assert first.post(f"/apb/manage/{issue.id}/edit", data=data).status_code == 302
    response = second.post(f"/apb/manage/{issue.id}/edit", data=data | {"body": "Other"})
    assert "Someone else saved this issue" in soup(response).get_text()
    db.session.refresh(issue)
    assert issue.body_markdown == "B"


def test_scheduled_issue_is_published_when_its_time_comes(login_as, db):
    editor = login_as("editor")
    editor.post(
        "/apb/manage/new",
        data={
            "title": "Later",
            "summary": "S",
            "body": "B",
            "action": "schedule",
            "publish_at": "2099-01-01T08:00",
        },
    )
    issue = db.session.scalar(select(NewsletterIssue))
    assert issue.status == "scheduled"
    assert apb.publish_due() == 0
    issue.publish_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert apb.publish_due() == 1
    db.session.refresh(issue)
    assert issue.status == "published"


def test_scheduling_in_the_past_or_without_a_time_is_refused(login_as, db):
    editor = login_as("editor")
    for when in ("2001-01-01T08:00", ""):
        response = editor.post(
            "/apb/manage/new",
            data={
                "title": "Past",
                "summary": "S",
                "body": "B",
                "action": "schedule",
                "publish_at": when,
            },
        )
        assert soup(response).select_one(".error-summary"), when
    assert db.session.scalar(select(NewsletterIssue.status)) == "draft"


def test_issue_form_refuses_hostile_input_with_messages(login_as, db):
    editor = login_as("editor")
    for data in [
        {"title": "", "summary": "", "body": ""},
        {"title": "x" * 161, "summary": "S", "body": "B"},
        {"title": "Bad\x00title", "summary": "S", "body": "B"},
        {"title": "T", "summary": "s" * 401, "body": "B"},
        {
            "title": "T",
            "summary": "S",
            "body": "B",
            "publish_at": "not a date",
            "action": "schedule",
        },
    ]:
        response = editor.post(
            "/apb/manage/new", data=data | {"action": data.get("action", "save")}
        )
        assert response.status_code == 200
        assert soup(response).select_one(".error-summary")
    assert db.session.scalar(select(func.count(NewsletterIssue.id))) == 0


def test_editor_sees_how_many_were_sent_pending_and_failed(
    login_as, db, make_issue, make_subscriber
):
    for _ in range(3):
        make_subscriber()
    make_issue(fanned_out=False)
    apb.fanout()
    message = db.session.scalar(select(OutboxMessage).limit(1))
    message.status = "sent"
    db.session.commit()
    page = soup(login_as("editor").get("/apb/manage"))
    assert "1 sent, 2 pending, 0 failed" in " ".join(page.get_text().split())
