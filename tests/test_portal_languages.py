"""The guardian portal speaks every portal language: nothing it shows falls back to Bokmål.

"The portal" is PORTAL_SOURCES (sammen/portal/languages.py); a message belongs to it when any of
its ``#:`` references in the Bokmål catalogue falls in one of those sources.
"""

from __future__ import annotations

import gettext
import re
from fnmatch import fnmatch
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sammen.lib import pofile
from sammen.portal.languages import PORTAL_LANGUAGES, PORTAL_SOURCES, RTL_LANGUAGES
from tests.conftest import World

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
# Plural forms per language (CLDR as gettext writes it): Arabic six, Polish and Ukrainian three.
PLURAL_FORMS = {"nn": 2, "pl": 3, "uk": 3, "ar": 6, "so": 2}


def catalogue(language: str) -> list[pofile.Entry]:
    return pofile.read(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")


def in_portal(entry: pofile.Entry) -> bool:
    return any(fnmatch(source, glob) for source in entry.sources for glob in PORTAL_SOURCES)


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", ""))}


PORTAL_KEYS = sorted(entry.key for entry in catalogue("nb")[1:] if in_portal(entry))


def test_the_portal_languages_are_offered_to_guardians() -> None:
    offered = {code for code, _name in settings.LANGUAGES}
    assert {"nb", "en", *PORTAL_LANGUAGES} <= offered
    assert {
        code for code in offered if translation.get_language_info(code)["bidi"]
    } == RTL_LANGUAGES


def test_the_portal_sources_name_files_that_exist() -> None:
    package = Path(settings.BASE_DIR)
    plain = [glob for glob in PORTAL_SOURCES if not any(c in glob for c in "*?[")]
    existing = [glob for glob in PORTAL_SOURCES if list(package.glob(glob))]
    assert len(PORTAL_KEYS) > 300, "the portal's messages were not found in the nb catalogue"
    # The pattern entries may wait for files still to come; a named file must be there.
    assert all(glob in existing for glob in plain if not glob.startswith(("voice/", "conv")))


@pytest.mark.parametrize("language", PORTAL_LANGUAGES)
def test_every_portal_message_is_translated_without_fuzzy(language: str) -> None:
    own = catalogue(language)[1:]
    entries = {entry.key: entry for entry in own}
    # The language's own catalogue may be fresher than nb's (makemessages run for it since).
    keys = set(PORTAL_KEYS) | {entry.key for entry in own if in_portal(entry)}
    missing = sorted(key for key in keys if key not in entries or not entries[key].translated)
    assert missing == []


@pytest.mark.parametrize("language", PORTAL_LANGUAGES)
def test_every_translation_keeps_the_named_placeholders_in_every_form(language: str) -> None:
    entries = {entry.key: entry for entry in catalogue(language)[1:]}
    wrong = []
    for entry in entries.values():
        if not entry.translated:
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        if entry.msgid_plural is not None and len(entry.msgstr) != PLURAL_FORMS[language]:
            wrong.append((entry.key, f"{len(entry.msgstr)} plural forms"))
        wrong += [
            (entry.key, form) for form in entry.msgstr.values() if placeholders(form) != expected
        ]
    assert wrong == []


@pytest.mark.parametrize("language", PORTAL_LANGUAGES)
def test_the_compiled_catalogue_answers_in_the_language(language: str) -> None:
    mo = LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info()["language"] == language
    assert compiled.info()["plural-forms"].startswith(f"nplurals={PLURAL_FORMS[language]};")
    assert compiled.gettext("Report absence") not in ("Report absence", "Meld fravær")


WORDS = {
    "nb": "Logg inn",
    "nn": "Logg inn",
    "en": "Log in",
    "pl": "Zaloguj się",
    "uk": "Увійти",
    "ar": "تسجيل الدخول",
    "so": "Gal",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(WORDS))
def test_the_login_page_is_in_the_chosen_language_and_arabic_is_right_to_left(
    client: Client, language: str
) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'lang="{language}"' in page
    assert f'dir="{"rtl" if language in RTL_LANGUAGES else "ltr"}"' in page
    assert WORDS[language] in page
    # The switcher names each language in that language, for a visitor (a guardian to be).
    assert all(f'value="{code}" lang="{code}"' in page for code, _name in settings.LANGUAGES)
    assert "Українська" in page and "العربية" in page and "Soomaali" in page


@pytest.mark.django_db
def test_staff_are_offered_bokmal_and_english_only(world: World, client: Client) -> None:
    client.force_login(world.alice)
    page = client.get(reverse("home")).content.decode()
    assert 'value="nb"' in page and 'value="en"' in page
    assert 'value="ar"' not in page and 'value="so"' not in page


@pytest.mark.django_db
def test_a_guardian_is_offered_all_seven(world: World, client: Client) -> None:
    client.force_login(world.guardian)
    page = client.get(reverse("attendance:report"), follow=True).content.decode()
    assert all(f'value="{code}" lang="{code}"' in page for code, _name in settings.LANGUAGES)


def test_somali_dates_and_numbers_have_formats_of_their_own() -> None:
    from datetime import date

    from django.utils import formats

    with translation.override("so"):
        assert formats.date_format(date(2026, 11, 26)) == "26/11/2026"
    with translation.override("ar"):
        assert formats.number_format(10.5, 1) == "10,5"


def test_somali_weekdays_are_somali_every_day_of_the_week() -> None:
    """Django has no Somali catalogue; ours names the days (the portal's «Today, …»)."""
    from datetime import date, timedelta

    from django.utils import formats

    monday = date(2026, 11, 23)
    with translation.override("so"):
        names = [formats.date_format(monday + timedelta(days=n), "l") for n in range(7)]
    assert names == ["Isniin", "Talaado", "Arbaco", "Khamiis", "Jimce", "Sabti", "Axad"]
    with translation.override("so"):
        short = [formats.date_format(monday + timedelta(days=n), "D") for n in range(5)]
    assert short == ["Isn", "Tal", "Arb", "Kha", "Jim"]  # the calendar's columns, not «ma ti …»
