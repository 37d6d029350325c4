"""In Chromium: every page that lists several forms has unique ids, every label's `for`
names exactly one element inside its own form, and tapping a card's label focuses that
card's field (an officer once moved the wrong ticket en route)."""
from __future__ import annotations

import pytest

from tests.browser.journey import sign_in
from tests.fixtures.browser import PHONE

pytestmark = pytest.mark.browser

ID_PROBLEMS = """() => {
  const problems = [];
  const counts = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    counts.set(el.id, (counts.get(el.id) || 0) + 1);
  }
  for (const [id, n] of counts) if (n > 1) problems.push(`id ${id} appears ${n} times`);
  for (const label of document.querySelectorAll('label[for]')) {
    const id = label.htmlFor;
    const matches = document.querySelectorAll(`[id="${CSS.escape(id)}"]`);
    if (matches.length !== 1) {
      problems.push(`label for=${id} names ${matches.length}`);
      continue;
    }
    const form = label.closest('form');
    if (form && !form.contains(matches[0])) problems.push(`label for=${id} leaves its form`);
  }
  return problems;
}"""


def test_pages_with_several_forms_have_unique_ids_in_the_browser(
        live_server, browser, many_forms_pages):
    for role, (user, paths) in many_forms_pages().items():
        context = browser.new_context(viewport=PHONE)
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server, user)
        for path in paths:
            response = page.goto(live_server + path)
            assert response.status == 200, (role, path, response.status)
            assert page.evaluate(ID_PROBLEMS) == [], (role, path)
        context.close()


def test_tapping_a_cards_arrival_label_focuses_that_cards_field(
        live_server, page, many_forms_pages):
    officer, _ = many_forms_pages()["officer"]
    sign_in(page, live_server, officer)
    page.goto(live_server + "/dispatch/mine")
    cards = page.locator("li.assignment")
    assert cards.count() >= 3
    for n in range(cards.count()):
        card = cards.nth(n)
        reference = card.locator("h2 a").inner_text().strip()
        card.locator("label", has_text="Arrival in minutes").click()
        focused_in_card = page.evaluate(
            "(ref) => { const c = [...document.querySelectorAll('li.assignment')]"
            ".find(li => li.querySelector('h2 a').textContent.trim() === ref);"
            " return c.contains(document.activeElement) && document.activeElement.tagName; }",
            reference)
        assert focused_in_card == "INPUT", reference
