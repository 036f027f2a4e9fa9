"""Reading XML that other systems export, with the line each element starts on.

The standard library's ElementTree forgets line numbers, and an import must tell the person who
made the file where a bad element is. This small reader builds a tree of ``Element`` (namespace
stripped from tag names, which is how interchange formats like Ed-Fi are read) with ``line``.
Document type declarations and entities are refused, so a hostile file cannot expand to
gigabytes or read local files (the attacks defusedxml guards against).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat


class XmlError(Exception):
    """A file that cannot be read as XML; ``str()`` is a sentence a person can act on."""

    def __init__(self, file: str, message: str, line: int | None = None) -> None:
        super().__init__(f"{file} line {line}: {message}" if line else f"{file}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass
class Element:
    tag: str
    line: int
    attrib: dict[str, str] = field(default_factory=dict)
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def __iter__(self) -> Iterator[Element]:
        return iter(self.children)

    def find(self, path: str) -> Element | None:
        """The first element at ``path`` ("A/B/C", tag names without namespace)."""
        found = self.findall(path)
        return found[0] if found else None

    def findall(self, path: str) -> list[Element]:
        current = [self]
        for step in path.split("/"):
            current = [child for node in current for child in node.children if child.tag == step]
        return current

    def findtext(self, path: str, default: str = "") -> str:
        """The stripped text at ``path``, or ``default`` when the element is absent."""
        found = self.find(path)
        return found.text.strip() if found is not None else default


def _local(name: str) -> str:
    # expat with namespace_separator=" " reports "uri local"
    return name.rpartition(" ")[2]


def parse_xml(path: Path, *, name: str | None = None) -> Element:
    """The root element of the XML file at ``path``; XmlError if it cannot be read."""
    label = name or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise XmlError(label, f"cannot be opened: {exc.strerror or exc}") from exc
    return parse_xml_bytes(data, name=label)


def parse_xml_bytes(data: bytes, *, name: str) -> Element:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    texts: list[list[str]] = []
    root: list[Element] = []

    def refuse(*_args: object) -> None:
        raise XmlError(
            name, "has a document type declaration; it is not accepted", parser.CurrentLineNumber
        )

    def start(tag: str, attrib: dict[str, str]) -> None:
        element = Element(
            _local(tag), parser.CurrentLineNumber, {_local(k): v for k, v in attrib.items()}
        )
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)
        texts.append([])

    def end(_tag: str) -> None:
        stack.pop().text = "".join(texts.pop())

    def characters(data: str) -> None:
        if texts:
            texts[-1].append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise XmlError(name, f"is not valid XML: {message}", exc.lineno) from None
    if not root:  # pragma: no cover - expat rejects a document without an element
        raise XmlError(name, "has no root element")
    return root[0]
