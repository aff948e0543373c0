"""Proposing a mapping for a survey export by matching its texts to the instrument's.

:func:`suggest_mapping` returns a :class:`~socialmaturity.research.mapping.Mapping` (write it
with :func:`~socialmaturity.research.mapping.dump_mapping`) and a :class:`SuggestionReport`
of how every column was matched and how sure the match is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..instrument.model import Instrument
from .mapping import Mapping, Target
from .matching import AnswerMatcher, QuestionTexts, split_choices, text_similarity, text_variants


@dataclass(frozen=True)
class ColumnSuggestion:
    """How one source column was matched: ``target`` is ``None`` when nothing was close."""

    column: str
    text: str
    target: Target | None
    matched_text: str
    confidence: float
    method: str


@dataclass(frozen=True)
class LabelSuggestion:
    """A source answer label of a matched column that is not an instrument label."""

    question: str
    label: str
    option: str | None
    matched_label: str
    confidence: float
    rows: int


@dataclass
class SuggestionReport:
    """What :func:`suggest_mapping` matched, how sure it is, and what it left out."""

    layout: str
    columns: list[ColumnSuggestion]
    labels: list[LabelSuggestion]
    #: Question-like columns that matched nothing (left out of the mapping).
    unmatched: list[str]
    #: System columns of the layout (mapped to metadata or dropped on import).
    system: list[str]

    @property
    def matched_share(self) -> float:
        """Share of the question-like columns (system columns excluded) that were matched."""
        asked = [c for c in self.columns if c.method != "system column"]
        return sum(c.target is not None for c in asked) / len(asked) if asked else 1.0

    def to_frame(self):
        """One row per column: column, text, target, matched_text, confidence, method."""
        import pandas as pd

        return pd.DataFrame([{"column": c.column, "text": c.text,
                              "target": c.target.describe() if c.target else None,
                              "matched_text": c.matched_text, "confidence": c.confidence,
                              "method": c.method} for c in self.columns])


#: Minimum confidence for a column or a label to be put in a suggested mapping.
MIN_CONFIDENCE = 0.5
LABEL_CONFIDENCE = 0.6


def _question_text_candidates(texts: QuestionTexts, text: str) -> list[tuple[float, str, str]]:
    """(similarity, question id, matched text) for every question, best first."""
    out = []
    for q in texts.questions:
        best = max(((text_similarity(text, t), t) for t in q.text.values()),
                   key=lambda p: p[0])
        out.append((best[0], q.id, best[1]))
    out.sort(key=lambda c: -c[0])
    return out


def _answer_share(inst: Instrument, qid: str, samples: list[str]) -> float | None:
    """Share of sample cells that are valid answers of ``qid`` (None without samples)."""
    if not samples:
        return None
    q = inst.index.questions[qid]
    if q.type == "text":
        return 0.5
    matcher = AnswerMatcher(inst, q)
    hits = 0
    for s in samples:
        if matcher.match(s) is not None:
            hits += 1
        elif q.type == "numeric":
            from ..scoring.encode import is_percent, parse_number

            number = parse_number(s, percent=is_percent(q))
            hits += number is not None and q.min <= number <= q.max  # type: ignore[operator]
        elif q.type == "multi":
            found, unknown = split_choices(s, matcher.labels)
            hits += bool(found) and not unknown
    return hits / len(samples)


def _best_label(inst: Instrument, matcher: AnswerMatcher, label: str
                ) -> tuple[float, str | None, str]:
    best: tuple[float, str | None, str] = (0.0, None, "")
    texts = [(o.key, o.label) for o in matcher.options] \
        + [(k, inst.special_labels[k]) for k in matcher.specials]  # type: ignore[index]
    for key, labels in texts:
        for text in labels.values():
            score = text_similarity(label, text)
            if score > best[0]:
                best = (score, key, text)
    return best


def suggest_mapping(export_path: str | Path, inst: Instrument, layout: str | None = None,
                    *, min_confidence: float = MIN_CONFIDENCE) -> tuple[Mapping, SuggestionReport]:
    """Propose a mapping for an export by matching its texts to the instrument's.

    Each question-like column's text (Qualtrics: the question-text row; SurveyMonkey: the
    question and choice rows; Google Forms: the header; SPSS: the variable label) is compared
    with every question text in every locale; the similarity is the mean of difflib's
    ``SequenceMatcher`` ratio and the Dice overlap of the words. When the column has answers,
    the share of them that are valid answers of the question counts for a fifth. Columns are
    assigned best first, each question once (one-column-per-choice columns: each option once);
    a column below ``min_confidence`` is left out and listed in ``report.unmatched``. Answer
    labels of matched columns that are no instrument label are matched to the closest option
    label the same way (at least 0.6) and put under ``values``; the rest are listed in
    ``report.labels`` with ``option=None``.

    Returns
    -------
    (Mapping, SuggestionReport)
        The mapping (write it with :func:`dump_mapping`; the comments show the matched texts
        and the confidence) and the report of every column.
    """
    from ..intake.exports import read_raw

    raw = read_raw(export_path, layout=layout, inst=inst)
    suggestions: dict[str, ColumnSuggestion] = {}
    system: list[str] = []
    candidates = _candidates(inst, raw, suggestions, system)
    _assign(candidates, raw, suggestions, min_confidence)
    unmatched = []
    for col in raw.columns:
        if col.name not in suggestions:
            unmatched.append(col.name)
            suggestions[col.name] = ColumnSuggestion(col.name, col.text, None, "", 0.0,
                                                     "not matched")
    ordered = [suggestions[c.name] for c in raw.columns]
    mapping = Mapping(instrument=inst.id, layout=raw.layout)
    for s in ordered:
        if s.target is None:
            continue
        if s.method == "system column":
            if s.target.name != raw.system.get(s.column):
                mapping.columns[s.column] = s.target
            continue
        if s.method == "question id":
            continue
        mapping.columns[s.column] = s.target
        mapping.comments[s.column] = (f"{s.confidence:.0%} {s.method}: "
                                      f"{s.matched_text!r}"[:180])
    labels = _suggest_labels(inst, raw, ordered, mapping)
    mapping.unmatched = {c: raw.column(c).text for c in unmatched}
    report = SuggestionReport(raw.layout, ordered, labels, unmatched, system)
    return mapping, report


def _candidates(inst: Instrument, raw: Any, suggestions: dict[str, ColumnSuggestion],
                system: list[str]) -> list[tuple[float, str, Target, str, str]]:
    """The (score, column, target, matched text, method) candidates of the question-like
    columns, best first; system columns go straight into ``suggestions`` and ``system``."""
    import pandas as pd

    from ..intake.exports import SAMPLE_ROWS

    texts = QuestionTexts(inst)
    idx = inst.index
    candidates: list[tuple[float, str, Target, str, str]] = []
    for col in raw.columns:
        default = raw.system.get(col.name, False)
        if default is not False or col.name in raw.free_text:
            system.append(col.name)
            suggestions[col.name] = ColumnSuggestion(
                col.name, col.text, Target.metadata(default) if default else None,
                "" if default is False else col.name, 1.0, "system column")
            continue
        exact = texts.exact(col.name, col.text, col.choice)
        if exact is not None:
            how = "question id" if col.name in (exact.name,) else "exact text"
            candidates.append((2.0, col.name, exact, col.text or col.name, how))
            continue
        values = raw.data[col.name].iloc[:SAMPLE_ROWS].astype(object)
        samples = sorted({str(v).strip() for v in values if not pd.isna(v)
                          and str(v).strip()})[:50]
        for base, choice in text_variants(col.text or col.name, col.choice):
            for score, qid, matched in _question_text_candidates(texts, base)[:5]:
                q = idx.questions[qid]
                if choice is not None:
                    if q.type != "multi":
                        continue
                    sim, key, label = _best_label(inst, AnswerMatcher(inst, q), choice)
                    if key is not None and sim >= LABEL_CONFIDENCE:
                        candidates.append((score * (0.8 + 0.2 * sim), col.name,
                                           Target.choice(qid, key), f"{matched} - {label}",
                                           "similar text"))
                    continue
                share = _answer_share(inst, qid, samples)
                combined = score if share is None else 0.8 * score + 0.2 * share
                candidates.append((combined, col.name, Target.question(qid), matched,
                                   "similar text"))
    candidates.sort(key=lambda c: -c[0])
    return candidates


def _assign(candidates: list[tuple[float, str, Target, str, str]], raw: Any,
            suggestions: dict[str, ColumnSuggestion], min_confidence: float) -> None:
    """Give each column its best candidate that reaches ``min_confidence``, each question
    once (one-column-per-choice columns: each option once)."""
    taken: set[tuple[str, str | None]] = set()
    for score, column, target, matched, how in candidates:
        if column in suggestions:
            continue
        slot = (target.name, target.option)
        whole = (target.name, None)
        if slot in taken or (target.kind == "choice" and whole in taken) or \
                (target.kind == "question" and any(t[0] == target.name for t in taken)):
            continue
        if score < min_confidence:
            continue
        taken.add(slot)
        confidence = min(score, 1.0)
        suggestions[column] = ColumnSuggestion(column, raw.column(column).text, target, matched,
                                               round(confidence, 3), how)


def _suggest_labels(inst: Instrument, raw: Any, suggestions: list[ColumnSuggestion],
                    mapping: Mapping) -> list[LabelSuggestion]:
    """Labels of matched single and multi columns that need a ``values`` entry."""
    idx = inst.index
    out: list[LabelSuggestion] = []
    seen: set[tuple[str, str]] = set()
    for s in suggestions:
        if s.target is None or s.target.kind != "question":
            continue
        q = idx.questions[s.target.name]
        if q.type not in ("single", "multi"):
            continue
        matcher = AnswerMatcher(inst, q)
        counts = raw.data[s.column].value_counts()
        for cell, rows in counts[counts > 0].items():
            if not isinstance(cell, str) or not cell.strip():
                continue
            pieces = [cell.strip()]
            if q.type == "multi" and matcher.match(cell.strip()) is None:
                _, unknown = split_choices(cell, matcher.labels)
                pieces = unknown
            for piece in pieces:
                if matcher.match(piece) is not None or (q.id, piece) in seen:
                    continue
                seen.add((q.id, piece))
                score, key, matched = _best_label(inst, matcher, piece)
                if key is None or score < LABEL_CONFIDENCE:
                    key = None
                else:
                    mapping.values.setdefault(q.id, {})[piece] = key
                    mapping.label_comments[(q.id, piece)] = f"{score:.0%} like {matched!r}"
                out.append(LabelSuggestion(q.id, piece, key, matched, round(score, 3), int(rows)))
    return out


__all__ = ["ColumnSuggestion", "LabelSuggestion", "SuggestionReport", "suggest_mapping"]
