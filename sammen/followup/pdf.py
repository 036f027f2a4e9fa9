"""Plans and minutes as PDF files, drawn by WeasyPrint from the same page the browser prints.

Nothing is fetched over the network while a PDF is drawn: the page's stylesheets are read from
the app's static files, and any other address is refused, so a stray link cannot make the
server call out (or leak that a pupil's plan was printed).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse


class RefusedFetchError(ValueError):
    pass


def static_file(url: str) -> tuple[bytes, str]:
    """The bytes and type of a static file at ``url``; RefusedFetchError for anything else."""
    path = urlsplit(url).path
    prefix = settings.STATIC_URL
    if not path.startswith(prefix):
        raise RefusedFetchError(f"not fetched while drawing a PDF: {url}")
    found = finders.find(path.removeprefix(prefix))
    if not isinstance(found, str):
        raise RefusedFetchError(f"no such static file: {path}")
    with open(found, "rb") as handle:
        data = handle.read()
    mime = "text/css" if found.endswith(".css") else "application/octet-stream"
    return data, mime


def pdf_response(html: str, base_url: str, filename: str) -> HttpResponse:
    """``html`` drawn as an A4 PDF, offered for download as ``filename``."""
    # Imported here: WeasyPrint loads Pango when imported, and only this needs it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcherResponse

    def static_only(url: str) -> Any:
        data, mime = static_file(url)
        return URLFetcherResponse(url, data, headers={"Content-Type": mime})

    pdf = HTML(string=html, base_url=base_url, url_fetcher=static_only).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
