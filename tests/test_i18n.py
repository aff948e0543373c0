"""Every user-facing text exists in English and Dutch."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from socialmaturity.i18n.catalog import catalog, number, tr

SRC = Path(__file__).parent.parent / "src" / "socialmaturity"


TEMPLATE_CALL = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def messages_in_code() -> dict[str, str]:
    """msgid → where, for every literal passed as tr(lang, "...") in Python and as t("...")
    in templates."""
    found = {}
    for path in (SRC / "web" / "templates").glob("*.html"):
        text = path.read_text()
        for m in TEMPLATE_CALL.finditer(text):
            msg = m.group(1) if m.group(1) is not None else m.group(2)
            found[msg] = f"{path.relative_to(SRC)}:{text[:m.start()].count(chr(10)) + 1}"
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" \
                    and len(node.args) >= 2:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found[arg.value] = f"{path.relative_to(SRC)}:{node.lineno}"
                elif isinstance(arg, ast.JoinedStr):
                    raise AssertionError(f"{path}:{node.lineno}: tr() needs a plain literal")
    return found


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_message_has_a_dutch_translation_with_the_same_fields():
    nl = catalog("nl")
    missing = [f"{where}: {msg!r}" for msg, where in messages_in_code().items() if msg not in nl]
    assert not missing, "untranslated:\n" + "\n".join(missing)
    for msg in messages_in_code():
        assert fields(nl[msg]) == fields(msg), msg


def test_no_stale_translations():
    stale = set(catalog("nl")) - set(messages_in_code())
    assert not stale, stale


def test_translation_and_numbers():
    assert tr("nl", "all organizations in the benchmark") == "alle organisaties in de benchmark"
    assert tr("en", "Strengths") == "Strengths"
    assert number("nl", 2162.5) == "2.162,5" and number("en", 2162.5) == "2,162.5"


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
