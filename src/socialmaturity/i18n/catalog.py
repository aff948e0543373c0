"""Translations of user-facing texts: gettext catalogs read with Babel, numbers through CLDR.

English is the source language (the msgid); other languages come from their ``.po`` files,
read once into one gettext :class:`babel.support.Translations` (fuzzy entries wait for a
translator; plurals follow the language's rule; ``msgctxt`` separates texts that read the same
in English). Texts use ``str.format`` fields::

    tr("nl", "all organizations in the benchmark")
    ntr("nl", "{n} organization", "{n} organizations", 3)       # "3 organisaties"
    ptr("nl", "answer option", "Other")                         # the same word, another context

``make messages`` extracts every text into ``locales/socialmaturity.pot`` and updates the
``.po`` files (README, "Translating").
"""

from __future__ import annotations

import decimal
import math
from functools import lru_cache
from gettext import NullTranslations
from importlib import resources
from io import BytesIO

#: The languages of every text, in the order a language menu shows them; English first.
LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
#: The gettext domain of the template (``locales/socialmaturity.pot``).
DOMAIN = "socialmaturity"


def read_catalog(lang: str):
    """Every ``.po`` file of ``lang`` as one :class:`babel.messages.catalog.Catalog`
    (the same msgid in two files: the later file wins; files are read by name)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=lang, domain=DOMAIN)
    folder = resources.files("socialmaturity.i18n") / "locales" / lang / "LC_MESSAGES"
    for ref in sorted(folder.iterdir(), key=lambda r: r.name):
        if ref.name.endswith(".po"):
            with ref.open("rb") as f:
                for message in read_po(f, locale=lang):
                    if message.id:
                        merged.delete(message.id, message.context)
                        merged[message.id] = message
    return merged


@lru_cache(maxsize=8)
def translations(lang: str):
    """The gettext translations of ``lang`` (:class:`babel.support.Translations`; the
    source texts themselves for English and unknown languages, without loading Babel)."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    buffer = BytesIO()
    write_mo(buffer, read_catalog(lang), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _fill(text: str, fields: dict) -> str:
    return text.format(**fields) if fields else text


def tr(lang: str, message: str, /, **fields: object) -> str:
    """``message`` in ``lang``, with its fields filled in (English when untranslated)."""
    return _fill(translations(lang).gettext(message), fields)


def ntr(lang: str, singular: str, plural: str, n: int, /, **fields: object) -> str:
    """The form of a counted text for ``n`` in ``lang`` (its plural rule); ``n`` is also a
    field, as ``number(lang, n, 0)``: ``ntr(lang, "{n} row", "{n} rows", 1200)`` → "1,200
    rows"."""
    fields.setdefault("n", number(lang, n, 0))
    return _fill(translations(lang).ngettext(singular, plural, n), fields)


def ptr(lang: str, context: str, message: str, /, **fields: object) -> str:
    """``message`` in ``lang`` in a context (gettext's ``pgettext``): for the same English
    text that another part of the program translates differently."""
    return _fill(translations(lang).pgettext(context, message), fields)


def _locale(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def number(lang: str, value: float, decimals: int | None = 1) -> str:
    """A number as the language writes it (CLDR): 2.1 in English, 2,1 in Dutch; thousands
    grouped (2,162 / 2.162). Rounded as Python rounds the float (half to even on its exact
    value), so a number reads the same in every language; ``decimals=None``: as given, with
    the decimals it has up to three (an answer, a bound: 40, 40.5, 1,234.25).

    The same text as Babel's ``format_decimal(value, "#,##0.0…", locale=lang)`` on the exact
    decimal value (a test holds them equal), written by Python's own float formatting with
    the language's symbols: Babel takes some 40 µs a number, this under 1 µs. (Not cached:
    a cache would give 0.0 the text of -0.0, which it holds equal.)"""
    if not math.isfinite(value):
        return f"{value}"
    group, point, minus = _number_symbols(lang)
    text = f"{value:,.{_given(value) if decimals is None else max(0, decimals)}f}"
    if (group, point, minus) != (",", ".", "-"):
        text = text.replace(",", "\x00").replace(".", point).replace("\x00", group)
        text = text.replace("-", minus, 1)
    return text


def _given(value: float) -> int:
    """The decimals ``value`` has, up to three."""
    return len(f"{value:.3f}".rstrip("0").partition(".")[2])


@lru_cache(maxsize=8)
def _number_symbols(lang: str) -> tuple[str, str, str]:
    """The language's group and decimal separators and minus sign (CLDR, through Babel)."""
    from babel import Locale

    locale = Locale.parse(_locale(lang))
    symbols = locale.number_symbols[locale.default_numbering_system]
    return symbols["group"], symbols["decimal"], symbols["minusSign"]


def percent(lang: str, share: float, decimals: int | None = 0) -> str:
    """A share (0–1) as a percentage as the language writes it: 64% in English and Dutch,
    12.5% / 12,5%; ``decimals=None`` as :func:`number`'s."""
    from babel.numbers import format_percent

    if not math.isfinite(share):
        return f"{share}"
    if decimals is None:
        decimals = _given(100 * share)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    # rounded as number() rounds 100 × share: 0.645 → 64% in both
    exact = decimal.Decimal(100 * share) / 100
    return format_percent(exact, format=pattern, locale=_locale(lang))


@lru_cache(maxsize=8)
def language_name(code: str) -> str:
    """A language's name in itself, as a language menu shows it (CLDR): English,
    Nederlands."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def date(lang: str, value, form: str = "long") -> str:
    """A date as the language writes it: "27 November 2026" / "27 november 2026"
    (``form``: short, medium, long or full, as CLDR defines them)."""
    from babel.dates import format_date

    return format_date(value, format=form, locale=_locale(lang))
