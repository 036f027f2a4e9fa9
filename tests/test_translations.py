"""The Norwegian catalogue is complete, keeps its placeholders, is compiled, and reaches the pages.

The catalogues are read with ``sammen.lib.pofile``, the reader the portal languages' tools use.
"""

from __future__ import annotations

import gettext
import re
import struct
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sammen.lib.pofile import Entry
from sammen.lib.pofile import read as read_po

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PLURAL_FORMS = {"pl": 3, "uk": 3, "ar": 6}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0]
    assert first.msgid == "" and first.msgctxt is None, "the header must come first"
    pairs = (line.partition(":") for line in first.msgstr[0].splitlines() if line)
    return {name.strip(): value.strip() for name, _, value in pairs}


def messages(language: str) -> list[Entry]:
    return read_po(po_path(language))[1:]


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_header_names_sammen_its_language_and_plural_rule(language: str) -> None:
    entries = read_po(po_path(language))
    meta = header(entries)
    assert "fuzzy" not in entries[0].flags
    assert meta["Project-Id-Version"] == "Sammen"
    assert meta["Language"] == language
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    # Two forms for nb, nn, en and so; the portal's Polish, Ukrainian and Arabic have their own.
    expected = PLURAL_FORMS.get(language, 2)
    assert meta["Plural-Forms"].startswith(f"nplurals={expected}; plural=")


def test_every_norwegian_message_is_translated_and_none_is_fuzzy() -> None:
    entries = messages("nb")
    assert entries, "the Norwegian catalogue is empty"
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    missing_plural = [e.msgid for e in entries if e.msgid_plural and sorted(e.msgstr) != [0, 1]]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert missing_plural == []
    assert fuzzy == []


def test_every_norwegian_translation_keeps_the_placeholders_of_its_source() -> None:
    wrong = []
    for entry in messages("nb"):
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr[0]) != placeholders(entry.msgid):
                wrong.append((entry.msgid, entry.msgstr[0]))
            continue
        # Each plural form may use either English form as its model, so compare the names used.
        expected = set(placeholders(entry.msgid) + placeholders(entry.msgid_plural))
        forms = entry.msgstr.values()
        wrong += [(entry.msgid, form) for form in forms if set(placeholders(form)) != expected]
    assert wrong == []


def test_the_english_catalogue_leaves_the_source_text_untouched() -> None:
    assert all(not any(e.msgstr.values()) for e in messages("en"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_matches_its_po_file(language: str) -> None:
    entries = messages(language)
    data = mo_path(language).read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    stored = struct.unpack(f"{order}I", data[8:12])[0]
    translated = [e for e in entries if all(e.msgstr.values()) and "fuzzy" not in e.flags]
    assert stored == len(translated) + 1, "the .mo holds other messages than the .po (plus header)"

    with mo_path(language).open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert catalogue.info()["language"] == language
    for entry in translated:
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                assert catalogue.gettext(entry.msgid) == entry.msgstr[0]
            else:
                assert catalogue.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr[0]
        else:
            # Where n lands among the forms is the language's rule, as gettext reads the header.
            for n in (1, 2, 5):
                index = catalogue.plural(n)  # type: ignore[attr-defined]
                if entry.msgctxt is None:
                    got = catalogue.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    got = catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                assert got == entry.msgstr[index]


LOGIN = reverse("accounts:login")


@pytest.mark.usefixtures("db")
def test_the_login_page_is_norwegian_when_the_browser_asks_for_bokmal(client: Client) -> None:
    page = client.get(LOGIN, headers={"accept-language": "nb-NO,nb;q=0.9,en;q=0.5"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'lang="nb"' in text
    assert "Logg inn i Sammen" in text
    assert "Log in to Sammen" not in text


@pytest.mark.usefixtures("db")
def test_the_login_page_is_norwegian_when_the_browser_states_no_language(client: Client) -> None:
    text = client.get(LOGIN).content.decode()
    assert "Logg inn" in text
    assert "Log in" not in text


@pytest.mark.usefixtures("db")
def test_the_login_page_is_english_when_the_browser_asks_for_english(client: Client) -> None:
    text = client.get(LOGIN, headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert "Log in to Sammen" in text
    assert "Logg inn" not in text


@pytest.mark.usefixtures("db")
def test_the_language_cookie_outranks_the_browser_language(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LOGIN, headers={"accept-language": "nb"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    norwegian = client.get(LOGIN, headers={"accept-language": "en"}).content.decode()
    assert "Log in to Sammen" in english and "Logg inn" not in english
    assert "Logg inn i Sammen" in norwegian and "Log in to Sammen" not in norwegian
