"""The Spanish catalogue is complete: the extraction `make translations` runs finds no string
without a Spanish translation, none is fuzzy, and every translation keeps its placeholders."""
from __future__ import annotations

import re

import pytest

from tests.i18n import extract, read_catalogue

PLACEHOLDER = re.compile(r"%\((\w+)\)s|%[sd]|\{\w*\}")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return extract(tmp_path_factory.mktemp("catalogue") / "messages.pot")


@pytest.fixture(scope="module")
def spanish():
    return read_catalogue()


def ids(catalogue) -> set[tuple[str, str | None]]:
    """(msgid, msgctxt) of every message: a pgettext context makes a message of its own."""
    return {(message.id if isinstance(message.id, str) else message.id[0], message.context)
            for message in catalogue if message.id}


def test_every_extracted_string_has_a_spanish_translation(extracted, spanish):
    untranslated = sorted(
        key for key, context in ids(extracted)
        if not (found := spanish.get(key, context=context)) or not found.string or found.fuzzy)
    assert untranslated == [], "run `make translations` and translate:\n" + "\n".join(untranslated)


def test_no_translation_is_fuzzy_or_left_over(extracted, spanish):
    assert [m.id for m in spanish if m.id and m.fuzzy] == []
    assert sorted(ids(spanish) - ids(extracted)) == [], "obsolete: run `make translations`"


def test_every_translation_keeps_its_placeholders(spanish):
    wrong = []
    for message in spanish:
        if not message.id:
            continue
        pairs = ([(message.id, message.string)] if isinstance(message.id, str)
                 else [(message.id[0], s) for s in message.string])
        for source, translated in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                wrong.append(f"{source!r} -> {translated!r}")
    assert wrong == []


def test_translations_keep_the_markup_of_the_source(spanish):
    tag = re.compile(r"</?\w+")
    wrong = [m.id for m in spanish if m.id and isinstance(m.id, str)
             and sorted(tag.findall(m.id)) != sorted(tag.findall(m.string))]
    assert wrong == []


def test_every_template_compiles_so_the_extraction_reads_it(app):
    """Babel skips a template it cannot parse, and its strings would silently drop out."""
    broken = []
    for name in app.jinja_env.list_templates():
        try:
            app.jinja_env.get_template(name)
        except Exception as error:  # noqa: BLE001 - any failure is a finding
            broken.append(f"{name}: {error}")
    assert broken == []
