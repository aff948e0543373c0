"""The result page's "Download the PDF report" link gives a PDF of the result, in the page's
language, named for it, with the organization and the stage in it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .helpers import create_assessment

LINK = {"en": "Download the PDF report", "nl": "Download het PDF-rapport"}
FILENAME = {"en": "social-maturity-report.pdf", "nl": "rapport-social-mediavolwassenheid.pdf"}


def words(text: str) -> str:
    """Text with hyphenation at line ends undone and all white space as single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"(\w)[-\u00ad]\s*\n\s*(\w)", r"\1\2", text))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_pdf_report_downloads_from_the_result_page(new_context, server, tmp_path, lang):
    organization = f"Pdf Proef {lang.upper()}"
    token = create_assessment(server.url, organization)
    page = new_context(locale="nl-NL" if lang == "nl" else "en-US").new_page()
    page.goto(f"/a/{token}/result")
    assert page.get_attribute("html", "lang") == lang
    stage = page.get_by_test_id("stage").inner_text().strip()
    link = page.locator(f'a[href="/a/{token}/report.pdf"]')
    assert link.inner_text().strip() == LINK[lang]
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == FILENAME[lang]
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), data[:20]
    assert b"%%EOF" in data[-1024:]
    assert 10_000 < len(data) < 5_000_000, len(data)

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not found (apt-get install poppler-utils): PDF text not checked")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    flat = words(text)
    assert organization in flat, flat[:500]
    assert stage in flat, (stage, flat[:500])
