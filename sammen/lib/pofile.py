"""A small reader and writer for gettext .po files, as ``makemessages`` writes them.

Used to fill the portal languages' catalogues from their JSON sources
(scripts/fill_translations.py) and by the tests that check them. polib would do, but it is not a
dependency and this is all we need: comments, flags, references, msgctxt, msgid, msgid_plural,
msgstr and msgstr[n]. Obsolete ``#~`` entries are dropped.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

# gettext's separator between a context and its msgid in a compiled catalogue.
CONTEXT_SEPARATOR = "\x04"


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # "#." and "# " lines, as written
    references: list[str] = field(default_factory=list)  # "path:line" of each "#:"
    flags: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The JSON key of this entry: ``msgid``, ``singular|plural``, with ``context\\x04``."""
        base = self.msgid if self.msgid_plural is None else f"{self.msgid}|{self.msgid_plural}"
        return base if self.msgctxt is None else f"{self.msgctxt}{CONTEXT_SEPARATOR}{base}"

    @property
    def sources(self) -> list[str]:
        """The files this message occurs in (references without their line numbers)."""
        return [ref.rsplit(":", 1)[0] for ref in self.references]

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def read(path: Path) -> list[Entry]:
    """Every entry, the header (msgid "") first."""
    entries: list[Entry] = []
    entry = Entry()
    key: str | None = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#"):
            if key is not None:  # a blank line or a new comment block ends the entry
                entries.append(entry)
                entry, key = Entry(), None
            if line.startswith("#~") or not line:
                continue
            if line.startswith("#:"):
                entry.references += line[2:].split()
            elif line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",") if flag.strip()]
            else:
                entry.comments.append(raw)
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
        if key == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif key == "msgid":
            entry.msgid += value
        elif key == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif key is not None and key.startswith("msgstr"):
            index = int(key[len("msgstr[") : -1]) if key.startswith("msgstr[") else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        else:
            raise ValueError(f"{path}: unexpected line {raw!r}")
    return entries


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _field(name: str, text: str) -> list[str]:
    # Long or multi-line strings as makemessages writes them: "" first, then one piece per line.
    if "\n" in text.rstrip("\n") or len(text) > 70:
        pieces = text.splitlines(keepends=True)
        return [f'{name} ""', *(_quote(piece) for piece in pieces)]
    return [f"{name} {_quote(text)}"]


def write(path: Path, entries: list[Entry]) -> None:
    lines: list[str] = []
    for entry in entries:
        lines += entry.comments
        if entry.references:
            lines.append("#: " + " ".join(entry.references))
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines += _field("msgctxt", entry.msgctxt)
        lines += _field("msgid", entry.msgid)
        if entry.msgid_plural is None:
            lines += _field("msgstr", entry.msgstr.get(0, ""))
        else:
            lines += _field("msgid_plural", entry.msgid_plural)
            for index in sorted(entry.msgstr):
                lines += _field(f"msgstr[{index}]", entry.msgstr[index])
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def header_fields(entry: Entry) -> dict[str, str]:
    pairs = (line.partition(":") for line in entry.msgstr.get(0, "").splitlines() if line)
    return {name.strip(): value.strip() for name, _, value in pairs}


def set_header(entry: Entry, values: dict[str, str]) -> None:
    fields = header_fields(entry) | values
    entry.msgstr[0] = "".join(f"{name}: {value}\n" for name, value in fields.items())
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
