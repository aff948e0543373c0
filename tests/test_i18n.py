"""Every user-facing text exists in English and Dutch."""

from __future__ import annotations

import ast
import re
import string
from datetime import date as Date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmaturity.errors import Message, Problem, SocialMaturityError
from socialmaturity.i18n.catalog import LANGUAGES, date, ntr, number, percent, ptr, read_catalog, tr
from socialmaturity.i18n.extract import calls

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "socialmaturity"
POT = SRC / "i18n" / "locales" / "socialmaturity.pot"


def keywords() -> dict:
    """The keywords of ``make messages`` (the Makefile's MESSAGE_KEYWORDS)."""
    line = next(x for x in (ROOT / "Makefile").read_text().splitlines()
                if x.startswith("MESSAGE_KEYWORDS"))
    return parse_keywords(line.partition(":=")[2].split())


@lru_cache(maxsize=1)
def messages_in_code() -> dict[tuple[str | tuple, str | None], str]:
    """(msgid or (singular, plural), context) → where, extracted as ``make messages`` does
    (babel.cfg, the Makefile's keywords)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, lineno, message, _, context in extract_from_dir(
            str(SRC), method_map, options_map, keywords()):
        found.setdefault((message, context), f"{filename}:{lineno}")
    return found


def fields(text: str) -> set[str]:
    return {f.split("!")[0] for _, f, _, _ in string.Formatter().parse(text) if f}


def translated(lang: str) -> dict:
    """(msgid, context) → the Babel message of every translated, non-fuzzy text."""
    return {(m.id, m.context): m for m in read_catalog(lang) if m.id and not m.fuzzy
            and all(m.string if m.pluralizable else [m.string])}


def test_every_message_has_a_dutch_translation_with_the_same_fields():
    nl = translated("nl")
    missing = [f"{where}: {msg!r}" for msg, where in messages_in_code().items() if msg not in nl]
    assert not missing, "untranslated (run make messages, translate):\n" + "\n".join(missing)
    for (msg, context), where in messages_in_code().items():
        english = msg if isinstance(msg, tuple) else (msg,)
        dutch = nl[(msg, context)].string
        dutch = dutch if isinstance(dutch, tuple) else (dutch,)
        # every form names the fields of its English form (the singular may spell out "one")
        wanted = set().union(*(fields(e) for e in english))
        assert all(fields(d) <= wanted for d in dutch) and fields(dutch[-1]) == \
            fields(english[-1]), f"{where}: {msg!r}"


def test_no_stale_translations():
    stale = set(translated("nl")) - set(messages_in_code())
    assert not stale, f"no longer in the code (run make messages): {stale}"


def test_the_template_is_current():
    with POT.open("rb") as f:
        pot = {(m.id, m.context) for m in read_po(f) if m.id}
    assert pot == set(messages_in_code()), "run make messages"


def test_every_problem_message_has_a_dutch_translation():
    """Each error message (Problem, and the Message/Counted pieces it is built of) is a msgid
    the Dutch catalog translates: CLI errors, API 422 messages and research errors alike."""
    nl = translated("nl")
    positions = {"Problem": (1,), "_fail": (1,), "fail": (1,), "add": (1,), "Message": (0,),
                 "Counted": (0, 1)}
    found, missing = 0, []
    for path in SRC.rglob("*.py"):
        for node, name in calls(path.read_text(), set(positions), str(path)):
            texts = [node.args[i].value for i in positions[name] if i < len(node.args)
                     and isinstance(node.args[i], ast.Constant)
                     and isinstance(node.args[i].value, str)]
            if not texts:
                continue
            found += 1
            msgid = tuple(texts) if name == "Counted" else texts[0]
            if (msgid, None) not in nl:
                missing.append(f"{path.relative_to(SRC)}:{node.lineno}: {msgid!r}")
    assert found > 250 and not missing, "\n".join(missing)


def test_no_text_is_an_f_string():
    """An f-string cannot be a msgid: the catalog would need a text per value."""
    names = {"tr", "ntr", "ptr", "Problem", "Message", "Counted", "_fail", "fail"}
    wrong = []
    for path in SRC.rglob("*.py"):
        for node, name in calls(path.read_text(), names, str(path)):
            position = 0 if name in ("Message", "Counted") else 1
            args = node.args[position:position + 1]
            if args and isinstance(args[0], ast.JoinedStr):
                wrong.append(f"{path.relative_to(SRC)}:{node.lineno}: {name}()")
    assert not wrong, "\n".join(wrong)


def test_translation_and_numbers():
    assert tr("nl", "all organizations in the benchmark") == "alle organisaties in de benchmark"
    assert tr("en", "Strengths") == "Strengths"
    assert tr("xx", "Strengths") == "Strengths"
    assert number("nl", 2162.5) == "2.162,5" and number("en", 2162.5) == "2,162.5"
    assert number("en", 2.05, 1) == f"{2.05:.1f}" == "2.0"  # the float's own rounding
    assert number("nl", -1234567.891, 2) == "-1.234.567,89"
    assert number("en", float("nan")) == "nan"
    assert percent("en", 0.645) == "64%" and percent("nl", 0.125, 1) == "12,5%"
    # as given: the decimals the value has, up to three
    assert [number("nl", x, None) for x in (40.0, 1234.5, 0.125, 2 / 3)] == [
        "40", "1.234,5", "0,125", "0,667"]
    assert percent("en", 0.625, None) == "62.5%" and percent("nl", 0.5, None) == "50%"
    assert date("nl", Date(2026, 11, 27)) == "27 november 2026"
    assert date("en", Date(2026, 11, 27)) == "November 27, 2026"


@settings(max_examples=3000, deadline=None)
@given(value=st.one_of(st.floats(-1e15, 1e15),  # Babel itself fails beyond 28 digits
                       st.floats(-1e7, 1e7), st.integers(-10**6, 10**6).map(lambda i: i / 8),
                       st.integers(-10**5, 10**5).map(lambda i: i / 1000)),
       decimals=st.integers(0, 4), lang=st.sampled_from(LANGUAGES))
def test_number_is_babels_format_decimal(value, decimals, lang):
    """number() writes what Babel's CLDR formatting writes of the exact value (ties on the
    exact binary value to even, negative zero kept, thousands grouped), only faster."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    expected = format_decimal(Decimal(value), format=pattern, locale=lang)
    assert number(lang, value, decimals) == expected


def test_plurals_and_context():
    assert ntr("en", "… {n} more", "… {n} more", 1) == "… 1 more"
    one, many = "{n} question in {d} dimensions, about 15 minutes.", \
        "{n} questions in {d} dimensions, about 15 minutes."
    assert ntr("nl", one, many, 1, d=6) == "1 vraag in 6 dimensies, ongeveer 15 minuten."
    assert ntr("nl", one, many, 2162, d=6).startswith("2.162 vragen")
    assert ntr("en", one, many, 1, d=6).startswith("1 question in")
    assert ptr("nl", "kind of answer", "text") == "tekst"


def test_fuzzy_entries_are_not_used(tmp_path):
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.support import Translations

    po = (b'msgid ""\nmsgstr "Language: nl\\n"\n\n#, fuzzy\nmsgid "Score"\nmsgstr "Gok"\n\n'
          b'msgctxt "menu"\nmsgid "Open"\nmsgstr "Openen"\n')
    cat = read_po(BytesIO(po), locale="nl")
    buffer = BytesIO()
    write_mo(buffer, cat, use_fuzzy=False)
    buffer.seek(0)
    t = Translations(buffer)
    assert t.gettext("Score") == "Score" and t.pgettext("menu", "Open") == "Openen"


def test_problems_are_translated_when_shown():
    p = Problem("answers.yaml:3:5", "unknown key {key}; valid: instrument, profile, answers",
                key="'x'")
    assert p.message == "unknown key 'x'; valid: instrument, profile, answers"
    assert p.text("nl").startswith("answers.yaml:3:5: onbekende sleutel 'x'")
    where = Message("row {row}, column {column!r}", row=number("en", 1200, 0), column="q1")
    assert Problem(where, "every value is empty").text("nl") == \
        "rij 1,200, kolom 'q1': elke waarde is leeg"
    error = SocialMaturityError([Problem(where, "every value is empty")])
    assert error.text("nl").startswith("rij") and str(error).startswith("row 1,200")
    assert [lang for lang in LANGUAGES] == ["en", "nl"]


def test_cli_errors_in_the_chosen_language(tmp_path, monkeypatch):
    """score in --lang nl, research import with SOCIALMATURITY_LANG=nl: Dutch messages that
    still name the file, line and column (and exit 2, no traceback)."""
    from click.testing import CliRunner

    from socialmaturity.cli import cli

    answers = tmp_path / "answers.yaml"
    answers.write_text("profile:\n  sector: technolgy\nanswers:\n  strategy-sponsor: ceo\n"
                       "colour: blue\n")
    res = CliRunner().invoke(cli, ["score", str(answers), "--lang", "nl"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    lines = res.stderr.splitlines()
    assert f"fout: {answers}:5:1: onbekende sleutel 'colour'; geldig: instrument, profile, " \
        "answers" in lines
    assert any(line.startswith(f"fout: {answers}:2:11: profile.sector: 'technolgy' is geen "
                               "antwoord van 'sector' (bedoelt u 'technology'?); geldig:")
               for line in lines), lines
    english = CliRunner().invoke(cli, ["score", str(answers)]).stderr
    assert f"{answers}:5:1: unknown key 'colour'" in english

    exports = ROOT / "tests" / "fixtures" / "exports"
    monkeypatch.setenv("SOCIALMATURITY_LANG", "nl")
    res = CliRunner().invoke(cli, ["research", "import", str(exports / "qualtrics.csv"),
                                   "--output", str(tmp_path / "tidy.csv")])
    assert res.exit_code == 2
    assert "qualtrics.csv, kolom 'Q2': niet aan een vraag gekoppeld" in res.stderr
    assert "in de mapping (`research mapping suggest` stelt er een voor)" in res.stderr


def test_answers_document_structure_in_dutch(tmp_path):
    from click.testing import CliRunner

    from socialmaturity.cli import cli

    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    (tmp_path / "parts.yaml").write_text("profile: 3\nanswers: [1]\n")
    res = CliRunner().invoke(cli, ["score", str(tmp_path / "list.yaml"), "--lang", "nl"])
    assert res.stderr == f"fout: {tmp_path / 'list.yaml'}:1:1: verwacht een mapping met " \
        "profile: en answers:\n"
    res = CliRunner().invoke(cli, ["score", str(tmp_path / "parts.yaml"), "--lang", "nl"])
    assert res.stderr.splitlines() == [
        f"fout: {tmp_path / 'parts.yaml'}:1:10: profile moet een mapping van vraag-id naar "
        "antwoord zijn", f"fout: {tmp_path / 'parts.yaml'}:2:10: answers moet een mapping "
        "van vraag-id naar antwoord zijn"]


def test_click_usage_errors_in_the_chosen_language(monkeypatch):
    """click's own messages (unknown option, bad choice, missing argument) follow --lang and
    the lang setting, and English comes back for the next command."""
    from click.testing import CliRunner

    from socialmaturity.cli import cli

    res = CliRunner().invoke(cli, ["score", "--lang", "nl", "--formt", "json", "a.yaml"])
    assert res.exit_code == 2
    assert "Fout: Optie '--formt' bestaat niet. Bedoelt u '--format'?" in res.stderr
    assert res.stderr.startswith("Gebruik: ") and "voor hulp." in res.stderr
    res = CliRunner().invoke(cli, ["score", "--lang=nl", "--format", "yaml", "a.yaml"])
    assert "Fout: Ongeldige waarde voor '--format': 'yaml' is niet een van 'text', 'json'." \
        in res.stderr
    english = CliRunner().invoke(cli, ["score", "--format", "yaml", "a.yaml"]).stderr
    assert "Error: Invalid value for '--format': 'yaml' is not one of 'text', 'json'." in english
    monkeypatch.setenv("SOCIALMATURITY_LANG", "nl")
    res = CliRunner().invoke(cli, ["research", "import"])
    assert res.exit_code == 2 and "Fout: Ontbrekend argument 'EXPORT'." in res.stderr
    res = CliRunner().invoke(cli, ["panel", "generate", "--respondents", "0", "--output", "x"])
    assert "Ongeldige waarde voor '--respondents': 0 ligt niet in het bereik x>=1." in res.stderr
    monkeypatch.delenv("SOCIALMATURITY_LANG")
    assert "Error: Missing argument 'EXPORT'." in CliRunner().invoke(
        cli, ["research", "import"]).stderr


def test_cli_status_lines_in_the_chosen_language(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from socialmaturity.cli import cli

    monkeypatch.setenv("SOCIALMATURITY_LANG", "nl")
    panel = tmp_path / "panel.csv"
    res = CliRunner().invoke(cli, ["panel", "generate", "--respondents", "40", "--output",
                                   str(panel)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("40 synthetische respondenten (") and \
        res.stdout.rstrip().endswith(f"organisaties) geschreven naar {panel}")
    res = CliRunner().invoke(cli, ["panel", "build", str(panel), "--output",
                                   str(tmp_path / "p.npz")])
    assert "gescoorde organisaties (40 respondenten) geschreven naar" in res.stdout
    res = CliRunner().invoke(cli, ["research", "classify", str(panel), "--output",
                                   str(tmp_path / "scored.csv")])
    assert res.stdout.startswith("40 respondenten geschreven naar") and "volwassen" in \
        res.stdout, res.output
    monkeypatch.setenv("SOCIALMATURITY_LANG", "en")
    res = CliRunner().invoke(cli, ["research", "classify", str(panel), "--output",
                                   str(tmp_path / "scored.csv")])
    assert res.stdout.startswith("wrote 40 respondents to") and "mature" in res.stdout


def test_research_errors_in_dutch():
    import pandas as pd
    import pytest

    from socialmaturity.research.checks import ResearchInputError, check_weights

    with pytest.raises(ResearchInputError) as err:
        check_weights(pd.Series([1.0, -2.0, None, 3.0]), "w")
    assert err.value.text("nl") == "kolom 'w': 2 gewichten ontbreken of zijn niet > 0 (rijen " \
        "1, 2; eerste: -2.0); elk gewicht moet een getal > 0 zijn"
    with pytest.raises(ResearchInputError) as err:
        check_weights(pd.Series([1.0, 0.0]), "w")
    assert err.value.text("en") == "column 'w': 1 weight missing or not > 0 (row 1; first: " \
        "0.0); every weight must be a number > 0"


def test_bundled_instrument_texts_are_bilingual(social):
    dumped = social.model_dump()

    def walk(value, path="") -> None:
        if isinstance(value, dict):
            if set(value) == {"en", "nl"}:
                assert all(isinstance(v, str) and v.strip() for v in value.values()), path
                assert value["en"] != value["nl"] or re.fullmatch(r"[\w\s%&./–-]+", value["en"]), \
                    path
                return
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list | tuple):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(dumped)
