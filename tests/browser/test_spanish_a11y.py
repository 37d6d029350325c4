"""The public pages in Spanish, in real Chromium on a phone: chosen with the language link,
`lang="es"`, and no axe-core WCAG 2.x A/AA violation (the walk of test_pages_a11y plus the
pages of the Spanish journeys)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import sign_in
from tests.browser.test_pages_a11y import PAGES

pytestmark = pytest.mark.browser

SPANISH_JOURNEYS = ["/escorts/", "/track/", "/report/", "/report/suspicious_package",
                    "/support/", "/support/request", "/support/browse-safely", "/seminars/",
                    "/outreach/", "/outreach/presentation", "/walk/", "/alerts/",
                    "/alerts/subscribe", "/devices/"]


def choose_spanish(page, live_server) -> None:
    page.goto(live_server + "/")
    page.locator("header a.language-link").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


@pytest.mark.parametrize("path", PAGES + SPANISH_JOURNEYS)
def test_spanish_page_is_accessible_on_a_phone(live_server, page, assert_accessible, path):
    choose_spanish(page, live_server)
    page.goto(live_server + path)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.locator("h1").first.is_visible()
    assert_accessible(page)


def test_the_language_link_brings_the_person_back_to_the_same_page(live_server, page):
    page.goto(live_server + "/escorts/")
    page.get_by_role("link", name="Español").click()
    expect(page.locator("h1")).to_have_text("Pedir un acompañamiento de seguridad")
    assert page.url == live_server + "/escorts/"
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Request an escort")


def test_a_virtual_walk_in_spanish_on_a_phone(live_server, page, assert_accessible,
                                              make_location):
    """The walk page and its script's sentences (from the page's data- attributes)."""
    make_location("Emergency Department", kind="building")
    make_location("Garage C", kind="garage")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 39.2904, "longitude": -76.6122, "accuracy": 12})
    choose_spanish(page, live_server)
    page.goto(live_server + "/walk/")
    page.get_by_label("¿Desde dónde sale?").select_option(label="Emergency Department")
    page.get_by_label("¿Adónde va?").select_option(label="Garage C")
    page.get_by_label("Teléfono al que la central de despacho puede llamarle").fill("555 010 1234")
    with page.expect_navigation():
        page.get_by_role("button", name="Iniciar la caminata").click()
    expect(page.locator("h1")).to_have_text("Su caminata")
    page.get_by_role("button", name="Compartir mi ubicación").click()
    expect(page.locator("#walk-location-status")).to_have_text(
        "Su ubicación se comparte con esta caminata.")
    assert_accessible(page)


def test_the_alert_banner_and_an_alert_in_spanish_on_a_phone(live_server, page,
                                                             assert_accessible, make_alert):
    alert = make_alert(headline="Incendio en el garaje B", instruction="Salga por la escalera.")
    choose_spanish(page, live_server)
    banner = page.locator("#campus-alerts")
    expect(banner).to_contain_text("Alerta del campus")
    expect(banner.get_by_role("button", name=re.compile("Ocultar esta alerta"))).to_be_visible()
    assert_accessible(page)
    page.goto(live_server + f"/alerts/{alert.id}")
    expect(page.locator("h2").first).to_have_text("Qué hacer")
    assert_accessible(page)


MEMBER_PAGES = ["/account/", "/account/profile", "/account/password", "/account/two-step",
                "/devices/mine", "/devices/register", "/devices/lockdown",
                "/escorts/recurring", "/escorts/recurring/new", "/units/"]


def test_a_signed_in_members_pages_in_spanish_on_a_phone(live_server, page, assert_accessible,
                                                         make_user):
    """The pages only a member reaches (account, devices, recurring escorts, unit requests):
    Spanish after the language link, each with its heading and axe-clean."""
    member = make_user(name="Rosa Member", affiliation="employee")
    sign_in(page, live_server, member)
    page.locator("header a.language-link").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    for path in MEMBER_PAGES:
        page.goto(live_server + path)
        expect(page.locator("html")).to_have_attribute("lang", "es")
        assert page.locator("h1").first.is_visible(), path
        assert_accessible(page)
