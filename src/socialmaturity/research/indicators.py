"""The 0/1 indicators of an instrument: what the research comparisons count.

:func:`instrument_indicators` turns the answers of the tidy table into one 0/1 column per
indicator: ``<question>=<option>`` for each option of a scored multi-select (exclusive options
get none), ``<question>:top2`` for a scored single choice or an outcome statement (one of the
two answers with the most points: agree or strongly agree). "Don't know" is 0, unanswered and
"not applicable" are missing (NaN); numeric and profile questions give none (the README's
"Indicators"). Each comes with an :class:`IndicatorInfo`: the question, the options that
count, a label and the finding phrase that completes "Mature organizations are 2.1× as likely
as less mature ones to ..." (the instrument's ``finding`` texts, else a generic phrase).
R, roughly: ``as.integer(answer %in% c("agree", "strongly-agree"))``, ``NA`` if unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Problem
from ..i18n.catalog import tr
from ..instrument.model import Instrument, Question, Text
from ..scoring.encode import ANSWERED, DK
from .checks import ResearchInputError, encoded_answers, where

__all__ = ["IndicatorInfo", "instrument_indicators", "TOP2_SUFFIX", "MAX_LISTED"]

#: The suffix of a top-2-box indicator's column name.
TOP2_SUFFIX = ":top2"
MAX_LISTED = 20


@dataclass(frozen=True)
class IndicatorInfo:
    """What an indicator column counts, and how a finding says it."""

    #: The column name: ``reach-departments=customer-service``, ``outcome-cpa:top2``.
    name: str
    #: The question id.
    question: str
    #: ``option`` (one option of a multi-select) or ``top2`` (top-2 box of a single choice).
    kind: str
    #: The option keys that count as 1.
    options: tuple[str, ...]
    #: ``outcomes`` or the dimension id.
    section: str
    #: The question text, the option labels that count, and the finding phrase (or None).
    question_text: Text
    option_labels: tuple[Text, ...]
    finding: Text | None

    def phrase(self, lang: str) -> str:
        """The verb phrase that completes "… are 2.1× as likely as … to": the instrument's
        ``finding`` text, else a generic one built from the question and option texts."""
        if self.finding:
            return _text(self.finding, lang)
        question = _text(self.question_text, lang).rstrip()
        answers = _or(lang, [_text(t, lang) for t in self.option_labels])
        if self.kind == "option":
            return tr(lang, "choose {answer} for “{question}”", answer=answers,
                      question=question)
        return tr(lang, "answer {answers} to “{question}”", answers=answers, question=question)

    def label(self, lang: str) -> str:
        """A short label for tables and charts: the phrase with a capital first letter."""
        text = self.phrase(lang)
        return text[:1].upper() + text[1:]


def _text(value: Text, lang: str) -> str:
    return value.get(lang) or value.get("en") or next(iter(value.values()))


def _or(lang: str, items: list[str]) -> str:
    """“A”, “B” or “C”."""
    quoted = [f"“{item}”" for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return tr(lang, "{first} or {last}", first=", ".join(quoted[:-1]), last=quoted[-1])


def _top2(inst: Instrument, q: Question) -> list[int]:
    """Indices of the two options with the most points (the last two without points)."""
    options = inst.index.options[q.id]
    if all(o.points is None for o in options):
        return list(range(len(options)))[-2:]
    order = sorted(range(len(options)), key=lambda i: (options[i].points or 0.0, i))
    return sorted(order[-2:])


def indicator_questions(inst: Instrument) -> list[Question]:
    """The questions that give indicators, in instrument order: scored single choice and
    multi-select questions, then the single-choice outcome questions."""
    scored = [q for q in inst.scored_questions if q.type in ("single", "multi")]
    outcomes = [q for q in inst.outcomes if q.type == "single"
                and len(inst.index.options[q.id]) >= 3]
    return scored + outcomes


def describe_indicators(inst: Instrument, questions: list[Question] | None = None
                        ) -> list[IndicatorInfo]:
    """The :class:`IndicatorInfo` of every indicator of ``inst`` (without data)."""
    infos = []
    for q in questions if questions is not None else indicator_questions(inst):
        options = inst.index.options[q.id]
        section = inst.index.section[q.id]
        if q.type == "multi":
            for o in options:
                if o.exclusive:
                    continue
                infos.append(IndicatorInfo(f"{q.id}={o.key}", q.id, "option", (o.key,),
                                           section, q.text, (o.label,), o.finding))
        else:
            top = [options[i] for i in _top2(inst, q)]
            infos.append(IndicatorInfo(f"{q.id}{TOP2_SUFFIX}", q.id, "top2",
                                       tuple(o.key for o in top), section, q.text,
                                       tuple(o.label for o in top), q.finding))
    return infos


def instrument_indicators(frame: pd.DataFrame, inst: Instrument, *,
                          questions: list[str] | None = None
                          ) -> tuple[pd.DataFrame, list[IndicatorInfo]]:
    """The instrument's 0/1 indicators of every respondent (see the module docstring).

    Parameters
    ----------
    frame : pandas.DataFrame
        The tidy table: question-id columns with option keys (multi-selects joined by ``;``),
        ``dont-know``/``not-applicable``, empty when unanswered. Questions without a column
        give indicators that are missing in every row (and are left out).
    inst : Instrument
    questions : list of str, optional
        Only these question ids (default: every scored single/multi question and every
        outcome question).

    Returns
    -------
    (pandas.DataFrame, list of IndicatorInfo)
        One float64 column per indicator (1, 0 or NaN), with ``frame``'s index, and what
        each column counts, in the same order.

    Raises
    ------
    ResearchInputError
        A cell that is no option of its question (naming the column, the row and the valid
        keys), or an unknown question id in ``questions``.
    """
    pool = indicator_questions(inst)
    if questions is not None:
        known = {q.id: q for q in pool}
        unknown = [qid for qid in questions if qid not in known]
        if unknown:
            raise ResearchInputError([Problem(where(qid), "no indicator question of the "
                                              "instrument; valid: {valid}",
                                              valid=", ".join(known))
                                      for qid in unknown])
        pool = [known[qid] for qid in questions]
    pool = [q for q in pool if q.id in frame.columns]
    enc = encoded_answers(inst, frame, pool,
                          lambda row, column: where(column, frame.index[row]), limit=MAX_LISTED)
    infos = describe_indicators(inst, pool)
    columns: dict[str, np.ndarray] = {}
    for info in infos:
        col = enc.columns[info.question]
        keys = inst.index.option_keys(info.question)
        wanted = [keys.index(k) for k in info.options]
        if info.kind == "option":
            hit = ((col.value >> wanted[0]) & 1).astype(bool)
        else:
            hit = np.isin(col.value, wanted)
        answered = col.status == ANSWERED
        values = np.where(answered, hit.astype(np.float64), np.nan)
        values[col.status == DK] = 0.0
        columns[info.name] = values
    return pd.DataFrame(columns, index=frame.index, dtype=np.float64), infos
