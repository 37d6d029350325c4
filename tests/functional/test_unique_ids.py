"""Every page that lists several forms has unique ids, and each label names a field of its
own form (so tapping "Arrival in minutes" on ticket A's card never focuses ticket B's)."""
from __future__ import annotations

from tests.fixtures.many_forms import id_problems
from tests.helpers import soup


def test_pages_with_several_forms_have_unique_ids_and_labels_in_their_own_form(
        login_as, many_forms_pages):
    for role, (user, paths) in many_forms_pages().items():
        client = login_as(user=user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
            assert id_problems(response.get_data(as_text=True)) == [], (role, path)


def test_each_card_on_the_officer_page_names_its_ticket(login_as, many_forms_pages):
    officer, _ = many_forms_pages()["officer"]
    page = soup(login_as(user=officer).get("/dispatch/mine"))
    cards = page.select("li.assignment")
    assert len(cards) >= 3
    for card in cards:
        reference = card.h2.a.text.strip()
        for form in card.find_all("form"):
            assert reference in form.get("aria-label", ""), form.get("aria-label")
        arrival = next((label for label in card.find_all("label")
                        if "Arrival in minutes" in label.get_text()), None)
        assert arrival is not None and reference in arrival.get_text()
        assert card.find(id=arrival["for"]) is not None


def test_every_page_without_arguments_has_unique_ids_for_every_role(app, client, login_as):
    """The class-wide check: every GET page with no path argument, as every kind of user."""
    rules = sorted(r.rule for r in app.url_map.iter_rules()
                   if "GET" in r.methods and not r.arguments and not r.rule.startswith("/static"))
    visitors = {"visitor": client, "member": login_as(None)}
    for role in ("dispatcher", "officer", "advocate", "trainer", "editor", "admin"):
        visitors[role] = login_as(role)
    checked = 0
    for who, visitor in visitors.items():
        for rule in rules:
            response = visitor.get(rule)
            if response.status_code == 200 and response.mimetype == "text/html":
                checked += 1
                assert id_problems(response.get_data(as_text=True)) == [], (who, rule)
    assert checked > 50
