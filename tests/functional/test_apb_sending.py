"""Each APB issue reaches each confirmed subscriber exactly once, through a real SMTP server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.apb import IssueDelivery
from app.services import apb_sending as apb
from app.services.outbox import deliver_due


def deliver_all() -> None:
    apb.fanout()
    for _ in range(10):
        deliver_due("test-worker", 50)


def test_publishing_twice_sends_each_subscriber_one_copy(
    app, db, login_as, make_issue, make_subscriber, smtp_server
):
    subscribers = [make_subscriber() for _ in range(5)]
    issue = make_issue(status="draft", fanned_out=False)
    editor = login_as("editor")
    editor.post(f"/apb/manage/{issue.id}/publish")
    editor.post(f"/apb/manage/{issue.id}/publish")
    deliver_all()
    deliver_all()
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == sorted(s.email for s in subscribers)


def test_a_fanout_that_crashes_halfway_resumes_without_duplicates_or_gaps(
    app, db, make_issue, make_subscriber, smtp_server, monkeypatch
):
    subscribers = [make_subscriber() for _ in range(7)]
    make_issue(fanned_out=False)
    app.config["OUTBOX_BATCH_SIZE"] = 3
    real_enqueue, calls = apb._enqueue_issue, {"n": 0}

    def crash_on_the_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("worker killed")
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(apb, "_enqueue_issue", crash_on_the_fifth)
    with pytest.raises(RuntimeError):
        apb.fanout()
    assert db.session.scalar(select(func.count(IssueDelivery.id))) == 3  # first batch only
    monkeypatch.setattr(apb, "_enqueue_issue", real_enqueue)
    deliver_all()
    deliver_all()
    received = sorted(message["To"] for message in smtp_server.messages)
    assert received == sorted(s.email for s in subscribers)
    app.config["OUTBOX_BATCH_SIZE"] = 50


def test_issue_email_has_both_parts_and_one_click_unsubscribe_headers(
    app, db, client, make_issue, make_subscriber, smtp_server
):
    subscriber = make_subscriber()
    make_issue(title="Garage alert", body="Lock **your car**.", fanned_out=False)
    deliver_all()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert "/apb/unsubscribe/" in link
    assert "Lock your car." in smtp_server.text_of(message)  # the text, not its Markdown
    assert "**" not in smtp_server.text_of(message)
    assert "<strong>your car</strong>" in smtp_server.html_of(message)
    assert link in smtp_server.text_of(message)
    response = client.post(
        "/apb/unsubscribe/" + link.rsplit("/", 1)[1], data={"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    db.session.refresh(subscriber)
    assert subscriber.status == "unsubscribed"
