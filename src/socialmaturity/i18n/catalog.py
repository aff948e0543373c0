"""Translations of user-facing texts: gettext catalogs (``locales/<lang>/LC_MESSAGES/*.po``).

English is the source language (the msgid); other languages come from their ``.po`` file,
read once. Texts use ``str.format`` fields: ``tr("nl", "{n} peers", n=3)``.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from importlib import resources

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a gettext ``.po`` file (untranslated entries left out)."""
    messages: dict[str, str] = {}
    msgid = msgstr = None
    target = None
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("msgid "):
            if msgid and msgstr:
                messages[msgid] = msgstr
            msgid, msgstr, target = _unquote(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, target = _unquote(line[7:]), "str"
        elif line.startswith('"') and target:
            if target == "id":
                msgid = (msgid or "") + _unquote(line)
            else:
                msgstr = (msgstr or "") + _unquote(line)
        elif not line:
            target = None
    if msgid and msgstr:
        messages[msgid] = msgstr
    return messages


@lru_cache(maxsize=8)
def catalog(lang: str) -> dict[str, str]:
    """msgid → msgstr of a language (empty for English): every ``.po`` file of the language,
    one per part of the program (``socialmaturity.po``, ``web.po``, ``reports.po``, …)."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    folder = resources.files("socialmaturity.i18n") / "locales" / lang / "LC_MESSAGES"
    messages: dict[str, str] = {}
    for ref in sorted(folder.iterdir(), key=lambda r: r.name):
        if ref.name.endswith(".po"):
            messages.update(parse_po(ref.read_text(encoding="utf-8")))
    return messages


def tr(lang: str, message: str, /, **fields: object) -> str:
    """``message`` in ``lang``, with its fields filled in."""
    text = catalog(lang).get(message, message) if lang in LANGUAGES else message
    return text.format(**fields) if fields else text


def number(lang: str, value: float, decimals: int = 1) -> str:
    """A number as the language writes it: 2.1 in English, 2,1 in Dutch; thousands grouped."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
