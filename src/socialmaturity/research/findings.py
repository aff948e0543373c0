"""Findings: the comparisons that hold after adjustment, as sentences in English and Dutch.

:func:`findings` reads a :func:`~socialmaturity.research.compare.compare` table and keeps the
indicators whose Benjamini–Hochberg adjusted p-value is below ``alpha``. They are ranked by
adjusted p-value, then by the size of the effect (:math:`|\\log \\text{ratio}|`, largest first),
and each is written out from a template with the computed numbers:

- ratio ≥ 1: "Mature organizations are 2.1× as likely as less mature ones to say their
  customer-service staff use social media (64% vs 30%, n = 2,162)."
  Dutch: "Volwassen organisaties zeggen 2,1× zo vaak als minder volwassen organisaties dat hun
  klantenservicemedewerkers social media gebruiken (64% tegen 30%, n = 2.162)."
- ratio < 1: "Mature organizations are less likely (0.6×) than less mature ones to …";
- no one in the rest group (ratio ∞): "Only mature organizations …".

The phrase ("say their customer-service staff use social media") is the instrument's
``finding`` text of the question or option (:class:`~socialmaturity.research.indicators.
IndicatorInfo`); the Dutch sentence puts the ratio after the phrase's first word, its finite
verb. ``n`` is the number of respondents with an answer in the two groups together.

:func:`headline` writes the share of all respondents with an indicator, with the two groups'
shares: "84% of all respondents say social media reaches potential customers more efficiently
than their other channels (mature organizations 93%, less mature ones 80%; n = 2,162)."

Equivalent in R: ``subset(tab, p.adjust(p, "BH") < 0.05)`` ordered by ``p_adjusted`` and
``-abs(log(ratio))``, pasted into a sentence with ``sprintf``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from ..errors import Message, Problem
from ..i18n.catalog import DEFAULT_LANGUAGE, LANGUAGES, number, percent, tr
from .checks import ResearchInputError, check_alpha
from .indicators import IndicatorInfo

__all__ = ["Finding", "findings", "headline", "sentence", "Label", "label_text", "findings_frame",
           "lower_first"]

#: How a sentence names a group: a catalog text (a :class:`~socialmaturity.errors.Message`,
#: translated per language), a text given per language like the instrument's (``{"en": …,
#: "nl": …}``), or one text for every language (a name the user gave).
Label = str | Message | Mapping[str, str] | None
NEEDED = ("indicator", "n_focus", "n_rest", "share_focus", "share_rest", "ratio", "ci_low",
          "ci_high", "p_value", "p_adjusted", "test")


@dataclass(frozen=True)
class Finding:
    """One significant comparison, with its sentence in every language."""

    rank: int
    indicator: str
    n_focus: int
    n_rest: int
    share_focus: float
    share_rest: float
    ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    test: str
    #: The sentence in the requested language.
    sentence: str
    #: The sentence in every language (``en``, ``nl``).
    sentences: dict[str, str] = field(default_factory=dict)
    #: The ``by_group`` value the comparison was made in (e.g. a sector), or None.
    group: object | None = None
    #: The indicator's section: ``outcomes`` or a dimension id (None without an info).
    section: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def label_text(value: Label, lang: str, default: str = "") -> str:
    """A :data:`Label` in ``lang`` (``default`` when there is none)."""
    if value is None:
        return default
    if isinstance(value, Message):
        return value.text(lang)
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get(DEFAULT_LANGUAGE) or default


def lower_first(text: str) -> str:
    """"Mature organizations" → "mature organizations" (not for "EMEA" or "B2B firms")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper() and not text[1].isdigit():
        return text[0].lower() + text[1:]
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return text.replace(" ,", ",").replace(" .", ".").replace(" )", ")").strip()


def _ratio_text(lang: str, ratio: float) -> str:
    decimals = 2 if round(ratio, 1) in (0.0, 1.0) and ratio not in (0.0, 1.0) else 1
    return number(lang, ratio, decimals) + "×"


def _split(phrase: str) -> tuple[str, str]:
    verb, _, complement = phrase.strip().partition(" ")
    return verb, complement


def sentence(lang: str, phrase: str, *, share_focus: float, share_rest: float, ratio: float,
             n: int, focus_label: Label = None, rest_label: Label = None) -> str:
    """One finding as a sentence in ``lang`` (see the module docstring for the templates)."""
    focus = label_text(focus_label, lang, tr(lang, "Mature organizations"))
    rest = label_text(rest_label, lang, tr(lang, "less mature ones"))
    verb, complement = _split(phrase)
    fields = {"verb": verb, "complement": complement, "share_focus": percent(lang, share_focus),
              "share_rest": percent(lang, share_rest), "n": number(lang, n, 0)}
    if math.isinf(ratio):
        text = tr(lang, "Only {focus} {verb} {complement} ({share_focus} vs {share_rest}, "
                        "n = {n}).", focus=lower_first(focus), **fields)
    elif ratio >= 1:
        text = tr(lang, "{focus} are {ratio}× as likely as {rest} to {verb} {complement} "
                        "({share_focus} vs {share_rest}, n = {n}).", focus=focus, rest=rest,
                  ratio=_ratio_text(lang, ratio).rstrip("×"), **fields)
    else:
        text = tr(lang, "{focus} are less likely ({ratio}×) than {rest} to {verb} {complement} "
                        "({share_focus} vs {share_rest}, n = {n}).", focus=focus, rest=rest,
                  ratio=_ratio_text(lang, ratio).rstrip("×"), **fields)
    return _tidy(text)


def headline(lang: str, phrase: str, *, share: float, n: int, share_focus: float | None = None,
             share_rest: float | None = None, focus_label: Label = None,
             rest_label: Label = None, organizations: bool = False) -> str:
    """The share of all respondents (``organizations``: of all organizations, when each row
    is one) with an indicator as a sentence, with the two groups' shares when given: "84% of
    all respondents say … (mature organizations 93%, less mature ones 80%; n = 2,162)."."""
    verb, complement = _split(phrase)
    fields = {"share": percent(lang, share), "verb": verb, "complement": complement,
              "n": number(lang, n, 0)}
    if share_focus is None or share_rest is None or math.isnan(share_focus) \
            or math.isnan(share_rest):
        return _tidy(tr(lang, "{share} of all organizations {verb} {complement} (n = {n}).",
                        **fields) if organizations else
                     tr(lang, "{share} of all respondents {verb} {complement} (n = {n}).",
                        **fields))
    fields |= {"focus": lower_first(label_text(focus_label, lang,
                                               tr(lang, "Mature organizations"))),
               "rest": label_text(rest_label, lang, tr(lang, "less mature ones")),
               "share_focus": percent(lang, share_focus), "share_rest": percent(lang, share_rest)}
    return _tidy(tr(lang, "{share} of all organizations {verb} {complement} ({focus} "
                          "{share_focus}, {rest} {share_rest}; n = {n}).", **fields)
                 if organizations else
                 tr(lang, "{share} of all respondents {verb} {complement} ({focus} "
                          "{share_focus}, {rest} {share_rest}; n = {n}).", **fields))


def findings(compare_table: pd.DataFrame,
             infos: Sequence[IndicatorInfo] | Mapping[str, IndicatorInfo] | None, lang: str,
             *, focus_label: Label = None, rest_label: Label = None, alpha: float = 0.05,
             group_column: str | None = None,
             group_labels: Mapping[object, Label] | None = None,
             exclude: Collection[str] = ()) -> list[Finding]:
    """The comparisons that stay significant after Benjamini–Hochberg adjustment, ranked,
    each as a sentence.

    Parameters
    ----------
    compare_table : pandas.DataFrame
        :func:`~socialmaturity.research.compare.compare`'s result (columns ``indicator,
        n_focus, n_rest, share_focus, share_rest, ratio, ci_low, ci_high, p_value,
        p_adjusted, test``; with ``by_group``, that column first).
    infos : list of IndicatorInfo, or mapping of indicator → IndicatorInfo, or None
        What each indicator counts (:func:`~socialmaturity.research.indicators.
        instrument_indicators`); an indicator without one reads "score 1 on “name”".
    lang : {"en", "nl"}
        The language of ``Finding.sentence``; ``Finding.sentences`` has every language.
    focus_label, rest_label : Label, optional
        How the sentence names the two groups; default "Mature organizations" and "less
        mature ones" (Dutch: "Volwassen organisaties", "minder volwassen organisaties").
        A Message is translated, a mapping gives the text per language, a plain string is
        used in every language.
    alpha : float
        The false discovery rate: keep rows with ``p_adjusted < alpha``.
    group_column : str, optional
        The ``by_group`` column of the table; default: the first column when it is not
        ``indicator``. Its value prefixes the sentence (through ``group_labels``).
    exclude : collection of str
        Indicators that are no findings whatever their p-value: those a stage rule defines
        (:func:`~socialmaturity.research.study.rule_defined`), shown "by definition".

    Returns
    -------
    list of Finding
        Ranked by ``p_adjusted``, then by ``|log(ratio)|`` (largest first); ``rank`` from 1.
    """
    if lang not in LANGUAGES:
        raise ResearchInputError(Problem("lang", "{lang!r} is not a language; valid: {valid}",
                                         lang=lang, valid=", ".join(LANGUAGES)))
    check_alpha(alpha)
    missing = [c for c in NEEDED if c not in compare_table.columns]
    if missing:
        raise ResearchInputError(Problem("compare table", "missing column(s) {missing}; "
                                         "expected the columns of `research compare`: {valid}",
                                         missing=", ".join(missing), valid=", ".join(NEEDED)))
    if group_column is None and len(compare_table.columns) and \
            compare_table.columns[0] != "indicator":
        group_column = str(compare_table.columns[0])
    by_name = dict(infos) if isinstance(infos, Mapping) else {i.name: i for i in infos or ()}
    table = compare_table[compare_table["p_adjusted"].astype(float) < alpha].copy()
    table = table[table["ratio"].notna() & ~table["indicator"].isin(list(exclude))]
    table["_effect"] = -table["ratio"].astype(float).map(
        lambda r: abs(math.log(r)) if math.isfinite(r) and r > 0 else math.inf)
    table = table.sort_values(["p_adjusted", "_effect"], kind="stable")
    out = []
    for rank, r in enumerate(table.drop(columns="_effect").to_dict("records"), start=1):
        info = by_name.get(r["indicator"])
        group = r.get(group_column) if group_column else None
        texts = {}
        for language in LANGUAGES:
            phrase = info.phrase(language) if info is not None else tr(
                language, "score 1 on “{indicator}”", indicator=r["indicator"])
            text = sentence(language, phrase,
                            share_focus=r["share_focus"], share_rest=r["share_rest"],
                            ratio=float(r["ratio"]), n=int(r["n_focus"] + r["n_rest"]),
                            focus_label=focus_label, rest_label=rest_label)
            if group_column:
                name = label_text((group_labels or {}).get(group), language, str(group))
                text = tr(language, "{group}: {sentence}", group=name, sentence=text)
            texts[language] = text
        out.append(Finding(rank, r["indicator"], int(r["n_focus"]), int(r["n_rest"]),
                           float(r["share_focus"]), float(r["share_rest"]), float(r["ratio"]),
                           float(r["ci_low"]), float(r["ci_high"]), float(r["p_value"]),
                           float(r["p_adjusted"]), str(r["test"]), texts[lang], texts, group,
                           info.section if info is not None else None))
    return out


def findings_frame(items: Sequence[Finding], lang: str | None = None) -> pd.DataFrame:
    """The findings as a table: ``rank, [group,] indicator, ratio, ci_low, ci_high,
    share_focus, share_rest, n_focus, n_rest, p_value, p_adjusted, test, sentence`` (the
    sentence in ``lang``, default the one each finding was made in)."""
    has_group = any(f.group is not None for f in items)
    columns = ["rank"] + (["group"] if has_group else []) + [
        "indicator", "ratio", "ci_low", "ci_high", "share_focus", "share_rest", "n_focus",
        "n_rest", "p_value", "p_adjusted", "test"]
    return pd.DataFrame([[getattr(f, c) for c in columns]
                         + [f.sentences.get(lang, f.sentence) if lang else f.sentence]
                         for f in items], columns=[*columns, "sentence"])
