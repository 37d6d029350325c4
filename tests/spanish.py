"""What "a page in Spanish" means for the tests: `lang="es"` and none of the portal's own
English sentences left in its visible text."""
from __future__ import annotations

import re
from functools import cache

from tests.helpers import soup
from tests.i18n import read_catalogue

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
# Words of English prose that no Spanish sentence of the portal contains: they find text
# that was never wrapped for translation, which the catalogue cannot list.
ENGLISH_WORDS = re.compile(r"\b(the|your|you|and|with|please|this|what|when|where|will)\b",
                           re.IGNORECASE)


@cache
def english_sentences() -> tuple[str, ...]:
    """The catalogue's English strings of three words or more that Spanish changes, without
    their markup and placeholders (the pieces between them are checked)."""
    pieces = set()
    for message in read_catalogue():
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for piece in re.split(r"<[^>]+>|%\(\w+\)[sd]", message.id):
            piece = " ".join(piece.split()).strip(" .,:;()")
            if len(piece.split()) >= 3:
                pieces.add(piece)
    return tuple(sorted(pieces, key=len, reverse=True))


def visible_text(page) -> str:
    page = soup(page)
    # What the person typed (a textarea's content) is theirs, not the portal's.
    for hidden in page(["script", "style", "template", "head", "textarea"]):
        hidden.decompose()
    for element in page.select("body [lang='en']"):  # the language link names English in English
        element.decompose()
    return " ".join(page.get_text(" ").split())


def english_left(page) -> list[str]:
    """What English the visible text still holds (empty for a page fully in Spanish)."""
    text = visible_text(page)
    found = [sentence for sentence in english_sentences() if sentence in text]
    found += sorted({match.group(0) for match in ENGLISH_WORDS.finditer(text)})
    return found


def assert_spanish(page) -> None:
    page = soup(page)
    assert page.html["lang"] == "es"
    left = english_left(page)
    assert left == [], f"English on a Spanish page: {left}"
