"""Fill the portal languages' catalogues from their JSON sources, after makemessages.

    cd sammen
    uv run sammen makemessages -l nn -l pl -l uk -l ar -l so --no-obsolete -i "static/*"
    uv run python ../scripts/fill_translations.py fill
    uv run sammen compilemessages -l nn -l pl -l uk -l ar -l so

The JSON file of a language (sammen/locale/<lang>/translations.json) maps a msgid to its
translation; a plural message is keyed "singular|plural" and maps to the list of the language's
plural forms; a message with a context is keyed "context\\x04msgid". It is the source of truth:
makemessages keeps translations too, but the JSON survives a changed msgid, a lost .po and
review in one place. ``missing <lang>`` lists the portal's messages still without a translation.
"""

from __future__ import annotations

import json
import sys
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sammen.lib import pofile  # noqa: E402
from sammen.portal.languages import PORTAL_LANGUAGES, PORTAL_SOURCES  # noqa: E402

LOCALE = ROOT / "sammen" / "locale"

HEADERS: dict[str, dict[str, str]] = {
    "nn": {
        "Language-Team": "Norwegian Nynorsk",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
    "pl": {
        "Language-Team": "Polish",
        "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    },
    "uk": {
        "Language-Team": "Ukrainian",
        "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
        "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    },
    "ar": {
        "Language-Team": "Arabic",
        "Plural-Forms": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;",
    },
    "so": {
        "Language-Team": "Somali",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
}


def nplurals(language: str) -> int:
    rule = HEADERS[language]["Plural-Forms"]
    return int(rule.split("nplurals=", 1)[1].split(";", 1)[0])


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def json_path(language: str) -> Path:
    return LOCALE / language / "translations.json"


def load(language: str) -> dict[str, str | list[str]]:
    path = json_path(language)
    if not path.exists():
        return {}
    data: dict[str, str | list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def is_portal(entry: pofile.Entry) -> bool:
    return any(fnmatch(source, glob) for source in entry.sources for glob in PORTAL_SOURCES)


def fill(language: str) -> tuple[int, int]:
    """Write the JSON's translations into the .po; returns (filled, portal messages missing)."""
    translations = load(language)
    entries = pofile.read(po_path(language))
    header, messages = entries[0], entries[1:]
    pofile.set_header(
        header,
        {
            "Project-Id-Version": "Sammen",
            "Last-Translator": "Sammen <sammen@localhost>",
            "Language": language,
            **HEADERS[language],
        },
    )
    header.comments = [
        "# Translations for Sammen: the guardian portal (sammen/portal/languages.py).",
        "# Filled from translations.json by scripts/fill_translations.py.",
        "# This file is distributed under the same license as Sammen (AGPL-3.0-or-later).",
    ]
    forms = nplurals(language)
    filled = missing = 0
    for entry in messages:
        value = translations.get(entry.key)
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        # msgmerge's guesses ("#| previous msgid") go: a guess is not a translation.
        entry.comments = [line for line in entry.comments if not line.startswith("#|")]
        if entry.msgid_plural is None:
            entry.msgstr = {0: value if isinstance(value, str) else ""}
        else:
            given = value if isinstance(value, list) else []
            entry.msgstr = {i: given[i] if i < len(given) else "" for i in range(forms)}
        if value:
            filled += 1
        elif is_portal(entry):
            missing += 1
    pofile.write(po_path(language), [header, *messages])
    return filled, missing


def missing(language: str) -> list[pofile.Entry]:
    translations = load(language)
    return [
        entry
        for entry in pofile.read(po_path(language))[1:]
        if is_portal(entry) and not translations.get(entry.key)
    ]


def main(argv: list[str]) -> int:
    command, *languages = argv or ["fill"]
    languages = languages or list(PORTAL_LANGUAGES)
    if command == "fill":
        for language in languages:
            filled, lacking = fill(language)
            print(f"{language}: {filled} translated, {lacking} portal messages missing")
        return 0
    if command == "missing":
        for language in languages:
            for entry in missing(language):
                print(json.dumps(entry.key, ensure_ascii=False))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
