"""Campus alerts as people meet them: the banner on every kind of page, hiding one, the
archive and feeds, and the dispatcher's pages to issue, confirm and update."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models.alerts import CampusAlert
from app.models.base import utcnow
from tests.helpers import soup, text
from tests.security.test_errors import make_error_app


def banner(page):
    region = soup(page).find(id="campus-alerts")
    return region.get_text(" ", strip=True) if region else ""


def test_an_active_alert_is_on_public_staff_dv_and_error_pages(app, db, client, login_as,
                                                              make_alert):
    make_alert(headline="Police activity at the North Garage", severity="severe")
    staff = login_as("dispatcher")
    pages = [client.get("/"), client.get("/services"), client.get("/support/"),
             client.get("/support/request"), client.get("/no-such-page"),
             staff.get("/dispatch/"), staff.get("/alerts/manage")]
    for page in pages:
        assert "Police activity at the North Garage" in banner(page), page.request.path
        alert = soup(page).select_one("#campus-alerts [role=alert]")
        assert alert is not None and alert.find("a")["href"].startswith("/alerts/")
    error_app = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"])
    crashed = error_app.test_client().get("/_test/crash")
    assert crashed.status_code == 500
    assert "Police activity at the North Garage" in banner(crashed)


def test_the_banner_comes_after_the_emergency_number_and_on_dv_pages_after_quick_exit(
        client, db, make_alert):
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    for url, first in (("/", "skip-link"), ("/support/", "quick-exit")):
        page = soup(client.get(url))
        order = [tag.get("id") or " ".join(tag.get("class", []))
                 for tag in page.body.find_all(True)
                 if tag.get("id") in ("quick-exit", "campus-alerts", "main")
                 or "emergency-banner" in tag.get("class", [])
                 or "skip-link" in tag.get("class", [])
                 or "site-header" in tag.get("class", [])]
        assert order[0] == first, url
        assert order.index("emergency-banner") < order.index("campus-alerts") < order.index(
            "site-header"), (url, order)


def test_an_expired_or_held_alert_is_on_no_page(client, db, make_alert, make_user):
    make_alert(headline="Old fire drill", minutes=10, now=utcnow() - timedelta(minutes=11))
    held = make_alert(headline="Unconfirmed extreme", severity="extreme")
    page = client.get("/")
    assert "Old fire drill" not in text(page) and "Unconfirmed extreme" not in text(page)
    assert client.get(f"/alerts/{held.id}").status_code == 404
    assert client.get(f"/alerts/{held.id}/cap.xml").status_code == 404
    assert "Unconfirmed extreme" not in client.get("/alerts/feed.atom").get_data(as_text=True)


def test_hiding_an_alert_lasts_for_the_visit_and_keeps_the_others(client, db, make_alert):
    fire = make_alert(headline="Fire in Garage B", severity="severe")
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    response = client.post(f"/alerts/{fire.id}/hide", data={"next": "/services"})
    assert response.status_code == 303 and response.headers["Location"] == "/services"
    cookie = client.get_cookie("hidden_alerts")
    assert cookie.value == str(fire.id) and cookie.expires is None  # gone with the browser
    shown = banner(client.get("/services"))
    assert "Fire in Garage B" not in shown and "Road closed on Campus Drive" in shown


def test_an_update_shows_again_after_the_alert_was_hidden(client, db, make_alert, make_user):
    from app.services.alerts import AlertDraft, post_update

    dispatcher = make_user(roles=("dispatcher",))
    fire = make_alert(headline="Fire in Garage B", issuer=dispatcher)
    client.post(f"/alerts/{fire.id}/hide", data={"next": "/"})
    post_update(dispatcher, fire.id, AlertDraft("All clear in Garage B", "Garage B is open.",
                                                "minor", 30, all_clear=True))
    assert "All clear in Garage B" in banner(client.get("/"))


def test_a_hide_posted_by_another_site_is_refused(client, db, make_alert):
    fire = make_alert(headline="Fire in Garage B")
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                    {"Origin": "http://localhost:9999"}):  # another app on the same host
        response = client.post(f"/alerts/{fire.id}/hide", data={"next": "/"}, headers=headers)
        assert response.status_code == 403, headers
    assert "Fire in Garage B" in banner(client.get("/"))
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}):
        same = client.post(f"/alerts/{fire.id}/hide", data={"next": "/"}, headers=headers)
        assert same.status_code == 303, headers


def test_the_banner_sets_no_cookie_and_starts_no_session(client, db, make_alert):
    make_alert(headline="Fire in Garage B")
    response = client.get("/")
    assert "Fire in Garage B" in banner(response)
    assert "Set-Cookie" not in response.headers


def test_a_dispatcher_issues_an_alert_from_the_form(client_request, db, campus):
    client_request.login("dispatcher")
    page = client_request.get("alerts.new")
    assert page.find("legend", string="Severity")
    client_request.post("alerts.new", _data={
        "headline": "Suspicious package in the Main Lobby",
        "instruction": "Keep away from the Main Lobby; use the east entrance.",
        "severity": "severe", "minutes": "60", "locations": [campus["lobby"].id]},
        _expected_status=302)
    alert = db.session.scalar(select(CampusAlert))
    assert alert.where == "Main Hospital Lobby" and not alert.awaiting_confirmation
    home = client_request.get("main.home")
    assert "Suspicious package in the Main Lobby" in banner(home)


def test_an_extreme_alert_is_confirmed_by_a_second_dispatcher_on_its_page(
        client_request, db, login_as):
    issuer = client_request.login("dispatcher")
    client_request.post("alerts.new", _data={
        "headline": "Armed intruder in the Clinic Building", "instruction": "Run, hide, fight.",
        "severity": "extreme", "minutes": "60"}, _expected_status=302)
    alert = db.session.scalar(select(CampusAlert))
    own = client_request.get("alerts.manage_alert", alert_id=alert.id)
    assert "Not sent yet" in text(own) and not own.find("button", string=lambda s: "Confirm" in s)
    client_request.post("alerts.confirm", alert_id=alert.id, _expected_status=302)
    db.session.expire_all()
    assert db.session.get(CampusAlert, alert.id).awaiting_confirmation
    colleague = login_as("dispatcher")
    page = soup(colleague.get(f"/alerts/manage/{alert.id}"))
    assert page.find("button", string="Confirm and send this alert")
    colleague.post(f"/alerts/manage/{alert.id}/confirm")
    db.session.expire_all()
    confirmed = db.session.get(CampusAlert, alert.id)
    assert confirmed.confirmed_by_id == colleague.user.id != issuer.id
    assert "Armed intruder in the Clinic Building" in banner(colleague.get("/"))


def test_the_issuer_withdraws_a_held_alert_from_its_page_and_it_never_goes_out(
        client_request, db, login_as):
    client_request.login("dispatcher")
    client_request.post("alerts.new", _data={
        "headline": "Armed intruder in the wrong building", "instruction": "Run, hide, fight.",
        "severity": "extreme", "minutes": "60"}, _expected_status=302)
    alert = db.session.scalar(select(CampusAlert))
    own = client_request.get("alerts.manage_alert", alert_id=alert.id)
    assert own.find("button", string="Withdraw this alert")
    client_request.post("alerts.withdraw", alert_id=alert.id, _expected_status=302)
    page = client_request.get("alerts.manage_alert", alert_id=alert.id)
    assert "Withdrawn" in text(page) and "never sent" in text(page)
    assert not page.find("button", string="Withdraw this alert")
    colleague = login_as("dispatcher")
    seen = soup(colleague.get(f"/alerts/manage/{alert.id}"))
    assert not seen.find("button", string="Confirm and send this alert")
    held = soup(colleague.get("/alerts/manage")).find(id="held-alerts")
    assert "wrong building" not in held.get_text(" ")
    colleague.post(f"/alerts/manage/{alert.id}/confirm")
    db.session.expire_all()
    assert db.session.get(CampusAlert, alert.id).confirmed_at is None
    assert "wrong building" not in banner(colleague.get("/"))
    assert colleague.get(f"/alerts/{alert.id}").status_code == 404


def test_an_all_clear_from_the_update_form_replaces_the_alert(client_request, db, make_alert):
    dispatcher = client_request.login("dispatcher")
    fire = make_alert(headline="Fire in Garage B", issuer=dispatcher)
    client_request.post("alerts.update", alert_id=fire.id, _data={
        "headline": "All clear in Garage B", "instruction": "Garage B is open again.",
        "severity": "minor", "minutes": "30", "all_clear": "y"}, _expected_status=302)
    shown = banner(client_request.get("main.home"))
    assert "All clear" in shown and "Fire in Garage B" not in shown
    old_page = client_request.get("alerts.alert", alert_id=fire.id)
    assert "This alert has been updated" in text(old_page)


def test_the_archive_lists_alerts_that_went_out(client, db, make_alert):
    make_alert(headline="Road closed on Campus Drive", severity="minor")
    page = client.get("/alerts/")
    assert "Road closed on Campus Drive" in soup(page).find("main").get_text(" ")


def test_the_atom_feed_lists_alerts_with_their_cap_documents(client, db, make_alert):
    import feedparser

    alert = make_alert(headline="Road closed on Campus Drive", severity="minor")
    response = client.get("/alerts/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    [entry] = feed.entries
    assert entry.title == "Road closed on Campus Drive"
    assert any(link.href.endswith(f"/alerts/{alert.id}/cap.xml") for link in entry.links)


def test_the_staff_page_is_in_the_navigation_of_dispatchers_and_supervisors(login_as, db):
    for role in ("dispatcher", "supervisor", "admin"):
        page = soup(login_as(role).get("/alerts/manage"))
        assert page.find("nav").find("a", string="Campus alerts"), role
    officer = soup(login_as("officer").get("/dispatch/mine"))
    assert not officer.find("nav").find("a", string="Campus alerts")


def test_the_outage_page_still_shows_the_alert_without_asking_the_database(db, make_alert,
                                                                          pg_proxy):
    from app import create_app
    from app.extensions import db as _db

    proxy, url = pg_proxy
    outage = create_app("testing", SQLALCHEMY_DATABASE_URI=url, TESTING=False,
                        PROPAGATE_EXCEPTIONS=False)
    make_alert(headline="Fire in Garage B")
    client = outage.test_client()
    try:
        assert "Fire in Garage B" in banner(client.get("/apb/"))
        proxy.down()
        response = client.get("/apb/")
        assert response.status_code == 503
        assert "Fire in Garage B" in banner(response)
    finally:
        proxy.up()
        with outage.app_context():
            _db.engine.dispose()
