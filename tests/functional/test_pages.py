"""Home, the services directory, guidance pages, accessibility and privacy: what people see."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from app.blueprints.main import catalog

# The services the division offers, in the issue's words: every one must be in the directory.
ISSUE_SERVICES = [
    "access control", "ALERT program", "APB", "active shooter", "infant abduction",
    "Code Blue", "Code Red", "community policing", "laptop lockdown", "crime prevention",
    "domestic violence", "eloped patient", "emergency response", "hospital policy",
    "Infant Protection Program", "liaison", "seminars", "standbys/restraints",
    "valuables", "patrols", "escorts", "unauthorized persons", "hazardous materials",
    "suspicious individuals", "presentations", "security detail", "systems monitoring",
    "security survey", "SMART team", "risk assessment", "Workplace Violence",
]
EMERGENCIES = {"code-blue", "code-red", "active-shooter", "child-abduction",
               "hazardous-materials"}


def main_text(page: BeautifulSoup) -> str:
    return " ".join(page.find("main").get_text(" ").split())


def test_home_says_what_the_division_does_and_links_everywhere(client_request, app):
    page = client_request.get("/")
    assert page.h1.get_text(strip=True) == app.config["ORG_NAME"]
    assert "24 hours a day" in main_text(page)
    hrefs = {a["href"] for a in page.find("main").find_all("a")}
    assert "/track/" in hrefs
    assert "/services" in hrefs
    for service in catalog.SERVICES:
        if service.group != "emergency":
            assert f"/services/{service.slug}" in hrefs
    for slug in EMERGENCIES:
        assert f"/services/{slug}" in hrefs
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    assert {"Track a request", "In an emergency", "Training and news"} <= set(headings)


def test_emergency_banner_comes_first_on_every_page(client_request, app):
    for url in ("/", "/services", "/services/escorts", "/accessibility", "/privacy"):
        page = client_request.get(url)
        banner = page.find(class_="emergency-banner")
        assert banner is not None, url
        assert app.config["EMERGENCY_PHONE"] in banner.get_text()
        assert banner.find_previous("main") is None, f"banner after main on {url}"


def test_directory_lists_every_service_with_a_description(client_request):
    page = client_request.get("/services")
    assert page.h1.get_text(strip=True) == "Our services"
    cards = page.select("li.card")
    assert len(cards) == len(catalog.SERVICES) >= 31
    names = " | ".join(card.h3.get_text(" ", strip=True) for card in cards)
    for wanted in ISSUE_SERVICES:
        assert wanted.lower() in names.lower(), wanted
    for card in cards:
        assert card.h3.a["href"].startswith("/services/")
        assert len(card.find("p").get_text(strip=True)) > 20


def test_directory_links_lead_to_working_pages(client_request):
    page = client_request.get("/services")
    for href in sorted({a["href"] for a in page.find("main").find_all("a")}):
        if href.startswith("/"):
            response = client_request.client.get(href)  # either a page or the sign-in
            signing_in = response.status_code == 302 and "/login" in response.location
            assert response.status_code == 200 or signing_in, href


@pytest.mark.parametrize("service", catalog.SERVICES, ids=lambda s: s.slug)
def test_every_guidance_page_says_what_when_and_whom_to_call(client_request, app, service):
    page = client_request.get(f"/services/{service.slug}")
    name = str(service.name)  # a lazy string: English here
    assert page.h1.get_text(strip=True) == name
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    assert {"What it is", "When to use it", "Whom to call"} <= set(headings)
    assert page.find("title").get_text().startswith(name)
    contact = page.find("h2", string="Whom to call").find_next("p")
    assert contact.find("a", href=re.compile(r"^tel:\d"))


@pytest.mark.parametrize("slug", sorted(EMERGENCIES))
def test_emergency_pages_put_the_number_first_then_what_to_do(client_request, app, slug):
    page = client_request.get(f"/services/{slug}")
    first = page.h1.find_next_sibling()
    assert "call-first" in first["class"]
    call = first.find("a", class_="call-now")
    number = app.config["EMERGENCY_PHONE"]
    assert call.get_text(strip=True) == f"Call {number}"
    assert call["href"] == f"tel:{number}"
    steps = first.find_next("ol", class_="steps").find_all("li")
    assert len(steps) >= 3


def test_emergency_guidance_is_the_recognised_one(client_request):
    def text(slug):
        return main_text(client_request.get(f"/services/{slug}"))

    assert all(word in text("active-shooter") for word in ("Run", "Hide", "Fight"))
    assert "RACE" in text("code-red") and "PASS" in text("code-red")
    assert "exits" in text("child-abduction")
    assert "CPR" in text("code-blue")
    assert "Do not touch" in text("hazardous-materials")


def test_non_emergency_pages_do_not_shout(client_request):
    page = client_request.get("/services/security-survey")
    assert page.find(class_="call-first") is None


@pytest.mark.parametrize("slug", ["nope", "CODE-RED", "code-red%00", "<script>", "..%2Fetc"])
def test_unknown_service_is_a_friendly_404(client_request, slug):
    response = client_request.get_response(f"/services/{slug}", _expected_status=404)
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[-1]


def test_accessibility_statement_has_real_content(client_request, app):
    page = client_request.get("/accessibility")
    assert page.h1.get_text(strip=True) == "Accessibility statement"
    text = main_text(page)
    assert "WCAG" in text and "2.2" in text
    assert app.config["DISPATCH_PHONE"] in text
    assert page.find("a", href=f"mailto:{app.config['CONTACT_EMAIL']}")
    assert len(page.find_all("h2")) >= 3


def test_privacy_notice_has_real_content(client_request, app):
    page = client_request.get("/privacy")
    assert page.h1.get_text(strip=True) == "Privacy notice"
    text = main_text(page)
    headings = {h.get_text(strip=True) for h in page.find_all("h2")}
    assert {"What we record", "Who can see it", "How long we keep it", "Cookies"} <= headings
    assert f"{app.config['DV_RETENTION_DAYS']} days" in text
    assert "advocates" in text


def test_catalog_slugs_are_unique_and_url_safe():
    slugs = [service.slug for service in catalog.SERVICES]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)
    assert {s.slug for s in catalog.emergencies()} >= EMERGENCIES
    assert all(s.meanwhile for s in catalog.emergencies())
