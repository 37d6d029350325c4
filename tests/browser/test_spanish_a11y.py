"""The public pages in Spanish, in real Chromium on a phone: chosen with the language link,
`lang="es"`, and no axe-core WCAG 2.x A/AA violation (the walk of test_pages_a11y plus the
pages of the Spanish journeys)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_pages_a11y import PAGES

pytestmark = pytest.mark.browser

SPANISH_JOURNEYS = ["/escorts/", "/track/", "/report/", "/report/suspicious_package",
                    "/support/", "/support/request", "/support/browse-safely", "/seminars/",
                    "/outreach/", "/outreach/presentation", "/devices/"]


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
