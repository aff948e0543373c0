"""Matching the texts of a survey export to an instrument: answer labels to option keys,
column texts to questions.

An answer label matches by the rules of :mod:`socialmaturity.research.mapping` (the mapping's
``missing`` and ``values``, option keys, option labels in any locale, the "don't know" and "not
applicable" labels), compared after :func:`normalize_label`; :func:`split_choices` splits a
multi-select cell into labels. :class:`QuestionTexts` ties a column to a question by its id or
exact text; :func:`text_similarity` scores near texts for
:func:`~socialmaturity.research.suggesting.suggest_mapping`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from .mapping import ALL_QUESTIONS, METADATA_TARGETS, Mapping, Target

# --- matching answer labels ---------------------------------------------------------------

_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
                             "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
                             "\u00a0": " ", "\u202f": " "})


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """A label for comparison: NFKC, case-folded, typographic quotes and dashes made plain,
    runs of white space made one space, trimmed."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_TYPOGRAPHY).casefold()
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    """The answer a source label stands for: an option key (``None`` for "not answered") and
    why, when the label is not the key itself (``None`` when nothing changed)."""

    key: str | None
    reason: str | None


#: A text this long (normalized) that begins exactly one label stands for it (SPSS cuts value
#: labels at 120 bytes).
TRUNCATED_LABEL = 80


class AnswerMatcher:
    """Source labels → option keys of one question, by the rules of the module docstring."""

    def __init__(self, inst: Instrument, question: Question, mapping: Mapping | None = None):
        mapping = mapping or Mapping()
        idx = inst.index
        self.question = question
        self.options = idx.options[question.id]
        self.keys = idx.option_keys(question.id)
        self.valid_keys = idx.valid_keys(question.id)
        self.specials = [k for k in (DONT_KNOW, NOT_APPLICABLE) if k in self.valid_keys]
        table: dict[str, Match] = {}

        def add(label: str, match: Match) -> None:
            table.setdefault(normalize_label(label), match)

        self._exact: dict[str, Match] = {}
        for label in mapping.missing:
            add(label, Match(None, "missing value (mapping)"))
        for scope in (question.id, ALL_QUESTIONS):
            for label, key in mapping.values.get(scope, {}).items():
                if key is None:
                    add(label, Match(None, "dropped by the mapping"))
                elif key in self.valid_keys:
                    add(label, Match(key, "mapping"))
        for option in self.options:
            for lang in sorted(option.label):
                add(option.label[lang], Match(option.key, "option label"))
        for key in self.specials:
            for text in inst.special_labels.get(key, {}).values():  # type: ignore[call-overload]
                add(text, Match(key, "option label"))
        for key in self.valid_keys:
            self._exact[key] = Match(key, None)
            add(key, Match(key, "option key"))
        self._table = table
        #: Every text a cell may hold (for splitting multi-select cells), longest first.
        self.labels = sorted({*mapping.missing,
                              *mapping.values.get(question.id, {}),
                              *mapping.values.get(ALL_QUESTIONS, {}),
                              *self.valid_keys,
                              *(o.label[lang] for o in self.options for lang in o.label),
                              *(t for k in self.specials
                                for t in inst.special_labels.get(k, {}).values())},  # type: ignore[call-overload]
                             key=lambda s: (-len(s), s))

    def match(self, text: str) -> Match | None:
        """The :class:`Match` of a (non-empty) cell text, or ``None`` when nothing fits."""
        exact = self._exact.get(text)
        if exact is not None:
            return exact
        norm = normalize_label(text)
        found = self._table.get(norm)
        if found is None and len(norm) >= TRUNCATED_LABEL:
            # SPSS cuts value labels at 120 bytes: a long text that begins one label only
            keys = {m.key for label, m in self._table.items() if label.startswith(norm)}
            if len(keys) == 1:
                found = Match(keys.pop(), "option label (cut short)")
        return found

    def valid_labels(self, lang: str = "en", inst: Instrument | None = None) -> list[str]:
        """The option labels in ``lang`` (what an error lists as valid)."""
        labels = [o.label.get(lang) or next(iter(o.label.values())) for o in self.options]
        if inst is not None:
            labels += [inst.text(inst.special_labels[k], lang) for k in self.specials]  # type: ignore[index]
        return labels


_SEPARATOR = re.compile(r"\s*[,;]\s*")


def split_choices(text: str, labels: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split a multi-select cell into labels; return (labels found, pieces that fit none).

    Cells join choices with ``,`` or ``;`` (Google Forms: ``", "``; Qualtrics: ``","``; the batch
    CSV: ``";"``), but labels may contain commas themselves. The cell is segmented by matching
    the known ``labels`` (compared as :func:`normalize_label` does), each followed by a
    separator or the end; of all segmentations the one with the fewest unknown pieces is taken,
    and among those the one with the fewest (so the longest) labels. An unknown piece runs to
    the next separator; unknown pieces next to each other come back as one (most likely a label
    with a comma that the mapping lacks).
    """
    text = text.strip()
    candidates: dict[int, list[tuple[str, str]]] = {}
    for label in labels:
        norm = normalize_label(label)
        if norm:
            candidates.setdefault(len(label), []).append((norm, label))
    n = len(text)
    sep_at = {m.start(): m.end() for m in _SEPARATOR.finditer(text)}
    sep_starts = sorted(sep_at)
    # a piece starts at 0 or right after a separator; runs of separators are skipped
    start_set = {0, *sep_at.values()} - {n}
    starts = sorted(start_set)
    Best = tuple[int, int, list[tuple[bool, str, int, int]]]
    best: dict[int, Best] = {n: (0, 0, [])}

    def after(j: int) -> int | None:
        """Where the next piece starts when a piece ends at ``j`` (None: not a boundary)."""
        while j in sep_at and j < n:
            j = sep_at[j]
        return j if j == n or j in start_set else None

    for i in reversed(starts):
        if i in sep_at:  # a separator right after a separator: skip it
            nxt = after(i)
            if nxt is not None and nxt in best:
                best[i] = best[nxt]
            continue
        options: list[Best] = []
        for length, group in candidates.items():
            j = i + length
            if j > n or (j < n and j not in sep_at):
                continue
            chunk = normalize_label(text[i:j])
            nxt = after(j)
            if nxt is None or nxt not in best:
                continue
            hits = [label for norm, label in group if chunk == norm]
            if hits:
                exact = text[i:j]
                label = exact if exact in hits else hits[0]
                rest = best[nxt]
                options.append((rest[0], rest[1] + 1, [(True, label, i, j)] + rest[2]))
        j = next((s for s in sep_starts if s > i), n)
        nxt = after(j)
        if nxt is not None and nxt in best:
            rest = best[nxt]
            options.append((rest[0] + 1, rest[1] + 1, [(False, text[i:j], i, j)] + rest[2]))
        if options:
            best[i] = min(options, key=lambda o: (o[0], o[1]))
    found: list[str] = []
    unknown: list[tuple[int, int]] = []
    for known, label, i, j in best.get(0, (0, 0, []))[2]:
        if known:
            found.append(label)
        elif unknown and sep_at.get(unknown[-1][1]) == i:
            unknown[-1] = (unknown[-1][0], j)  # next to the previous unknown piece: one label
        else:
            unknown.append((i, j))
    return found, [text[i:j] for i, j in unknown]


# --- comparing texts (for suggestions and exact matches) ----------------------------------

_WORD = re.compile(r"\w+")


def text_similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–1: the mean of difflib's ratio and the Dice overlap of their
    words (both after :func:`normalize_label`)."""
    na, nb = normalize_label(a), normalize_label(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ratio = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    ta, tb = (set(_WORD.findall(normalize_label(t))) for t in (na, nb))
    dice = 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0
    return (ratio + dice) / 2


_CHOICE_SUFFIX = re.compile(r"\s+-\s+(?:selected choice\s+-\s+)?", re.IGNORECASE)


def split_choice_text(text: str) -> tuple[str, str] | None:
    """``("question", "choice")`` from a Qualtrics or SPSS label ``"question - choice"``
    (``" - Selected Choice - "`` too), or ``None`` without such a suffix."""
    parts = list(_CHOICE_SUFFIX.finditer(text))
    if not parts:
        return None
    last = parts[-1]
    base, choice = text[:last.start()].strip(), text[last.end():].strip()
    return (base, choice) if base and choice else None


class QuestionTexts:
    """Look-ups of an instrument's question and option texts (every locale), normalized."""

    def __init__(self, inst: Instrument):
        self.inst = inst
        self.questions = [*inst.profile, *inst.scored_questions, *inst.outcomes]
        self.by_text: dict[str, str] = {}
        for q in self.questions:
            for text in q.text.values():
                self.by_text.setdefault(normalize_label(text), q.id)

    def exact(self, name: str, text: str, choice: str | None) -> Target | None:
        """The target of a column whose name is a question id, or whose text is exactly a
        question's text (a one-column-per-choice column: and its choice an option label)."""
        idx = self.inst.index
        if name in idx.questions:
            return Target.question(name)
        if name in METADATA_TARGETS:
            return Target.metadata(name)
        if not text:
            return None
        for base, part in text_variants(text, choice):
            qid = self.by_text.get(normalize_label(base))
            if qid is None:
                continue
            q = idx.questions[qid]
            if part is None:
                return Target.question(qid)
            if q.type == "multi":
                match = AnswerMatcher(self.inst, q).match(part)  # its option (or special) key
                if match is not None and match.key is not None:
                    return Target.choice(qid, match.key)
        return None


_BRACKET = re.compile(r"^(?P<base>.*?)\s*\[(?P<inner>[^\[\]]+)\]\s*$", re.DOTALL)


def text_variants(text: str, choice: str | None) -> list[tuple[str, str | None]]:
    """Readings of a column's text as (question text, choice or None), most likely first:
    the text with its choice; a ``"question - choice"`` label split (Qualtrics, SPSS); a
    grid row ``"question [row]"`` (Google Forms) or a SurveyMonkey matrix row (the choice
    row holds the statement) read as a question of its own."""
    out: list[tuple[str, str | None]] = [(text, choice)]
    if choice:
        out.append((choice, None))
    elif split := split_choice_text(text):
        out.append(split)
    if m := _BRACKET.match(text):
        out.append((m["inner"], None))
        out.append((m["base"], m["inner"]))
    return out


__all__ = [
    "AnswerMatcher", "Match", "QuestionTexts", "normalize_label", "split_choice_text",
    "split_choices", "text_similarity",
]
