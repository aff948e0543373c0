"""What a reader of the PDF report sees is words, never the keys stored for answers: no option
key of the bundled instrument in the PDF's text (pdftotext), in English and Dutch, also where
the peer group was widened; poppler reads the PDF without a warning; ``score --pdf`` writes
it whole, in ``--lang``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from socialmaturity.cli import cli
from socialmaturity.instrument.loader import bundled_instrument
from socialmaturity.reports.pdf import render_pdf
from socialmaturity.scoring.answers import validate_responses
from socialmaturity.services.assessment import make_assessor

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "answers.yaml"
INSTRUMENT = bundled_instrument()
BUNDLED = ROOT / "src" / "socialmaturity" / "instrument" / "bundled" / "social-maturity.yaml"


def pdftotext(path: Path) -> tuple[str, str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode("utf-8"), out.stderr.decode("utf-8")


def instrument_words(lang: str) -> str:
    """Every text of the instrument in ``lang``: a key that is also a word of these texts
    ("multi-year", "sales") may print as that word."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == lang and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(yaml.safe_load(BUNDLED.read_text(encoding="utf-8")))
    return "\n".join(found)


def keys_in(text: str, lang: str) -> list[str]:
    """Option keys of the instrument (and dont-know, not-applicable) that occur in ``text`` as
    a whole word and are not words of the instrument's own texts."""
    words = instrument_words(lang)
    keys = {o.key for opts in INSTRUMENT.index.options.values() for o in opts}
    keys |= {"dont-know", "not-applicable"}

    def occurs(key: str, where: str) -> bool:
        return re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", where) is not None

    return sorted(k for k in keys if occurs(k, text) and not occurs(k, words))


@pytest.fixture(scope="module")
def assessor():
    return make_assessor()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_option_key_in_the_pdf_text(assessor, tmp_path, lang):
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    # a small peer group, so that the report also lists the groups tried first
    data["profile"].update(sector="retail-ecommerce", size="1000-9999", region="latin-america")
    responses = validate_responses(assessor.instrument, data)
    result = assessor.assess(responses, lang)
    assert result.benchmark.peer_group.widened_from, "the peer group was not widened"
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(result))
    text, warnings = pdftotext(path)
    assert not warnings, warnings  # e.g. "Suspects object is wrong type (boolean)"
    assert keys_in(text, lang) == []
    for key in ("retail-ecommerce", "1000-9999", "latin-america", "sector =", "size ="):
        assert key not in text, key
    labels = INSTRUMENT.option_labels("sector", lang)
    assert labels["retail-ecommerce"] in " ".join(text.split())


def test_score_writes_the_pdf_in_the_chosen_language(tmp_path):
    out = tmp_path / "rapport.pdf"
    res = CliRunner().invoke(cli, ["score", str(EXAMPLE), "--pdf", str(out), "--lang", "nl"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.pdf"]  # no temporary file left
    text, warnings = pdftotext(out)
    assert "Samenvatting" in text and not warnings


def test_score_pdf_into_a_missing_folder_is_a_clear_error(tmp_path):
    out = tmp_path / "missing" / "report.pdf"
    res = CliRunner().invoke(cli, ["score", str(EXAMPLE), "--pdf", str(out)])
    assert res.exit_code == 2
    assert "does not exist" in res.output and "Traceback" not in res.output
    assert not out.parent.exists()
