"""A forged Host header never reaches a link: every absolute link comes from SITE_URL.

The test client's own host ("localhost") is trusted in testing but is not SITE_URL's host,
so each flow below is the "allowed but different host" case; `Host: evil.example` is refused.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import create_app
from app.models.outbox import OutboxMessage
from tests.fixtures.reports import report_data
from tests.fixtures.support import form_data as dv_form_data
from tests.functional.test_auth import STRONG_PASSWORD
from tests.functional.test_escorts import form_data as escort_form_data
from tests.functional.test_outreach import CONTACT, VALID
from tests.helpers import soup

EVIL = {"Host": "evil.example"}
OTHER = {"Host": "localhost:8080"}  # trusted in testing, not SITE_URL's host and port
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture()
def site(app) -> str:
    return app.config["SITE_URL"].rstrip("/")


def links(text: str) -> list[str]:
    return URL.findall(text)


def assert_links_at_site(text: str, site: str) -> None:
    found = [u for u in links(text) if "/track/" in u or "/apb/" in u or "/seminars/" in u
             or "/support/" in u or "/verify" in u or "localhost" in u or "evil" in u]
    assert found, "the text carries at least one portal link"
    for url in found:
        assert url.startswith(site + "/"), url


def mail_text(db, to: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == to)).one()
    return message.text_body + (message.html_body or "")


def test_an_untrusted_host_gets_400_and_no_mail_is_queued(client, db, campus):
    response = client.post("/escorts/", data=escort_form_data(campus), headers=EVIL)
    assert response.status_code == 400
    assert "could not understand" in response.get_data(as_text=True)
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert client.get("/", headers=EVIL).status_code == 400


def test_escort_mail_and_page_link_to_site_url(client, db, campus, site):
    response = client.post("/escorts/", data=escort_form_data(campus), headers=OTHER)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=OTHER).get_data(as_text=True)
    link = soup(page).select_one(".private-link a")["href"]
    assert link.startswith(site + "/track/")
    assert_links_at_site(mail_text(db, "pat@example.org"), site)


def test_report_mail_links_to_site_url(client, db, site):
    data = report_data(contact_name="Jo", contact_email="jo@example.org")
    response = client.post("/report/theft", data=data, content_type="multipart/form-data",
                           headers=OTHER)
    assert response.status_code == 303
    assert_links_at_site(mail_text(db, "jo@example.org"), site)


def test_outreach_mail_links_to_site_url(client, db, site):
    response = client.post("/outreach/survey", data={**VALID["survey"], **CONTACT},
                           headers=OTHER)
    assert response.status_code == 303
    assert_links_at_site(mail_text(db, "pat@example.org"), site)


def test_dv_private_link_shown_at_site_url(client, db, site):
    response = client.post("/support/request", data=dv_form_data(), headers=OTHER,
                           follow_redirects=True)
    assert response.status_code == 200
    shown = soup(response)
    assert shown.find("a", class_="private-link").get_text().startswith(site + "/support/")


def test_account_mail_links_to_site_url(client, db, site):
    client.post("/register", headers=OTHER, data={
        "name": "Jo Smith", "email": "jo@example.org", "affiliation": "patient",
        "password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD})
    assert_links_at_site(mail_text(db, "jo@example.org"), site)


def test_apb_feed_and_subscription_mail_link_to_site_url(client, db, make_issue, site):
    make_issue(title="Tips")
    feed = client.get("/apb/feed.atom", headers=OTHER).get_data(as_text=True)
    assert_links_at_site(feed, site)
    client.post("/apb/subscribe", data={"email": "reader@example.org"}, headers=OTHER)
    assert_links_at_site(mail_text(db, "reader@example.org"), site)


def test_seminar_calendar_and_mail_link_to_site_url(client, db, make_session, site):
    session = make_session()
    ics = client.get(f"/seminars/sessions/{session.id}/calendar.ics", headers=OTHER)
    assert_links_at_site(ics.get_data(as_text=True).replace("\r\n ", ""), site)
    client.post(f"/seminars/sessions/{session.id}/register", headers=OTHER,
                data={"name": "Ana Visitor", "email": "ana@example.org"})
    assert_links_at_site(mail_text(db, "ana@example.org"), site)


def test_trusted_hosts_come_from_site_url_and_the_extra_list(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}",
                     SITE_URL="https://portal.example.org", EXTRA_TRUSTED_HOSTS=["intranet"])
    assert app.config["TRUSTED_HOSTS"] == ["portal.example.org", "intranet"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "portal.example.org"}).status_code != 400
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_no_link_in_the_app_is_built_from_the_request_host():
    from pathlib import Path

    needles = re.compile(r"(?<!force)_external=True|url_root|host_url|request\.host\b")
    root = Path(__file__).resolve().parents[2] / "app"
    offenders = [
        f"{path.relative_to(root)}: {found}"
        for path in root.rglob("*") if path.suffix in {".py", ".html", ".txt", ".xml", ".ics"}
        for found in needles.findall(path.read_text(encoding="utf-8"))
        if path.name != "csrf.html"
    ]
    assert offenders == []  # csrf.html only compares the Referer with the (trusted) host
