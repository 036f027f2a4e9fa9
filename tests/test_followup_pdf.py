"""Plans and minutes as PDF files: drawn for real by WeasyPrint, read back as text."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from sammen.followup.pdf import RefusedFetchError, static_file
from tests.conftest import World
from tests.followup_support import case_url, ola_case

pytestmark = pytest.mark.usefixtures("english")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_plan_downloads_as_a_pdf_in_the_familys_language(client: Client, world: World) -> None:
    case = ola_case(world)
    client.force_login(world.alice)

    response = client.get(case_url(case, "plan/utskrift/?sprak=nb&pdf=1"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan-nb.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content)
    assert world.ola.full_name in text
    assert "Plan for oppfølging av skolenærvær" in text
    # The page's own tools (language links, back link) are not printed.
    assert "Last ned som PDF" not in text


def test_the_pdf_is_as_private_as_the_page(client: Client, world: World) -> None:
    case = ola_case(world)
    client.force_login(world.bob)
    assert client.get(case_url(case, "plan/utskrift/?pdf=1")).status_code == 404


def test_nothing_but_static_files_is_fetched_while_drawing() -> None:
    with pytest.raises(RefusedFetchError):
        static_file("http://example.org/x.css")
    with pytest.raises(RefusedFetchError):
        static_file("http://testserver/static/no/such.css")
    data, mime = static_file("http://testserver/static/sammen/followup-print.css")
    assert mime == "text/css" and b"@page" in data
