"""Text templates for e-mail and SMS, rendered the way every notice needs them."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string


def render_text(template: str, context: dict[str, Any]) -> str:
    """``template`` rendered, each line right-trimmed, without blank lines at either end and never
    two blank lines in a row: templates lay out paragraphs with blank lines and tags."""
    text = render_to_string(template, context)
    out: list[str] = []
    for line in (line.rstrip() for line in text.strip().splitlines()):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)
