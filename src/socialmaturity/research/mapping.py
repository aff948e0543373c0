"""Mappings: how the columns and answer labels of a survey export become instrument answers.

A mapping is a small YAML file, written by hand or proposed by :func:`suggest_mapping` and
written out by :func:`dump_mapping`. Every key is optional::

    instrument: social-maturity      # the instrument it is for (checked against the one used)
    layout: qualtrics                # qualtrics, surveymonkey, google-forms or plain
    dayfirst: true                   # read 03-04-2026 as 3 April (default: told from the data)
    timezone: Europe/Amsterdam       # zone of timestamps written without one (default: UTC)
    columns:                         # source column → what it holds
      Q1: sector                     # a question id: the column holds answers to that question
      Q5_1: {question: reach-departments, option: marketing}  # one column per choice: the
                                     #   option is chosen when the cell is not empty (nor 0)
      ResponseId: respondent_id      # metadata: respondent_id, organization_id,
                                     #   duration_seconds, progress, submitted_at, started_at
      wave: {keep: wave}             # passed through unchanged, under this name
    values:                          # per question id: source label → option key
      sector: {"Tech / software": technology}
      reach-departments: {"Legal": null}     # null drops the answer (reported as a recode)
      "*": {"Weet niet": dont-know}          # "*": for every question
    missing: ["-99", "Seen but unanswered"]  # answers that mean "not answered"
    ignore: [Q5_8_TEXT, Q_RecaptchaScore]    # columns left out of the import

**Source column names.** Qualtrics: the export tag of the first header row (``Q1``, ``Q5_1``,
``Duration (in seconds)``). SurveyMonkey: the question text of the first header row; a
continuation column (one per choice) is ``question text | choice label``. Google Forms and plain
CSV: the header. SPSS ``.sav``: the variable name.

**Answers.** A cell becomes an answer by the first rule that fits: empty → unanswered; one of
``missing`` → unanswered; a label under ``values`` for its question, then under ``"*"``; an
option key of the question; an option label in any locale of the instrument; the labels of
"don't know" and "not applicable" where the question offers them. Labels compare without
regard to case, surrounding or repeated spaces, and typographic quotes and dashes. Anything
else is an error that names the column, the label, how many rows hold it and the valid labels.
A multi-select cell is split into labels at ``,`` or ``;`` by matching the known labels first, so
labels that contain commas stay whole. Every change of a value is reported as a recode.

The answer matching (:class:`AnswerMatcher`, :func:`split_choices`, :func:`normalize_label`)
lives here and is used by :mod:`socialmaturity.research.importing`.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import Problem, SocialMaturityError
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from ..instrument.positions import Positions, load_with_positions

LAYOUTS = ("qualtrics", "surveymonkey", "google-forms", "plain")
#: Metadata columns of the tidy table, besides the question columns.
METADATA_COLUMNS = ("respondent_id", "organization_id", "duration_seconds", "progress",
                    "submitted_at")
#: What a mapping may send a column to besides questions: the metadata columns, and
#: ``started_at`` (only used to compute ``duration_seconds`` when the export has no duration).
METADATA_TARGETS = METADATA_COLUMNS + ("started_at",)
#: Mapping a label to this in ``values`` drops the answer.
ALL_QUESTIONS = "*"
TOP_LEVEL_KEYS = ("instrument", "layout", "dayfirst", "timezone", "columns", "values", "missing",
                  "ignore")


class MappingError(SocialMaturityError):
    """A mapping file (or mapping object) that cannot be used: bad YAML, unknown keys, question
    ids or option keys the instrument does not have."""


# --- targets and the mapping --------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a source column holds.

    ``kind`` is ``question`` (answers to question ``name``), ``choice`` (one option ``option``
    of the multi-select ``name``), ``metadata`` (``name`` is one of :data:`METADATA_TARGETS`)
    or ``keep`` (passed through as column ``name``).
    """

    kind: str
    name: str
    option: str | None = None

    @classmethod
    def question(cls, qid: str) -> Target:
        return cls("question", qid)

    @classmethod
    def choice(cls, qid: str, option: str) -> Target:
        return cls("choice", qid, option)

    @classmethod
    def metadata(cls, name: str) -> Target:
        return cls("metadata", name)

    @classmethod
    def keep(cls, name: str) -> Target:
        return cls("keep", name)

    def describe(self) -> str:
        """``sector``, ``reach-departments=marketing``, ``respondent_id``, ``keep:wave``."""
        if self.kind == "choice":
            return f"{self.name}={self.option}"
        if self.kind == "keep":
            return f"keep:{self.name}"
        return self.name


@dataclass
class Mapping:
    """Source columns and answer labels → instrument questions and options (see the module).

    ``comments`` (column → text) and ``unmatched`` (column → question text) are only used by
    :func:`dump_mapping` to annotate a suggested mapping; ``source`` and ``positions`` let
    errors name ``file:line:column``.
    """

    columns: dict[str, Target] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    instrument: str | None = None
    layout: str | None = None
    dayfirst: bool | None = None
    timezone: str | None = None
    comments: dict[str, str] = field(default_factory=dict, compare=False)
    label_comments: dict[tuple[str, str], str] = field(default_factory=dict, compare=False)
    unmatched: dict[str, str] = field(default_factory=dict, compare=False)
    source: str | None = field(default=None, compare=False)
    positions: Positions | None = field(default=None, compare=False, repr=False)

    def where(self, *path: Any, key: bool = False) -> str:
        """``file:line:col`` of a part of the mapping file, or a readable path without one."""
        if self.positions is not None:
            return self.positions.where(path, key=key)
        return "mapping" + "".join(f" › {p}" for p in path)

    def check(self, inst: Instrument) -> None:
        """Raise :class:`MappingError` listing everything that does not fit ``inst``."""
        problems = mapping_problems(self, inst)
        if problems:
            raise MappingError(problems)


def _close(word: str, valid: Iterable[str]) -> str:
    near = difflib.get_close_matches(word, list(valid), n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def mapping_problems(mapping: Mapping, inst: Instrument) -> list[Problem]:
    """Everything in ``mapping`` that names a question, option or metadata ``inst`` lacks."""
    idx = inst.index
    problems: list[Problem] = []
    if mapping.instrument and mapping.instrument != inst.id:
        problems.append(Problem(mapping.where("instrument"),
                                f"the mapping is for instrument {mapping.instrument!r}, but the "
                                f"import uses {inst.id!r}"))
    for column, target in mapping.columns.items():
        where = mapping.where("columns", column)
        if target.kind == "metadata":
            if target.name not in METADATA_TARGETS:
                problems.append(Problem(where, f"unknown metadata {target.name!r}; valid: "
                                               f"{', '.join(METADATA_TARGETS)}"))
            continue
        if target.kind == "keep":
            if target.name in idx.questions or target.name in METADATA_TARGETS:
                problems.append(Problem(where, f"keep: {target.name!r} is a question or "
                                               f"metadata name; choose another column name"))
            continue
        if target.name not in idx.questions:
            problems.append(Problem(where, f"unknown question id {target.name!r}"
                                           f"{_close(target.name, idx.questions)}; valid: a "
                                           f"question id (`socialmaturity instrument show`) or "
                                           f"{', '.join(METADATA_TARGETS)}"))
            continue
        if target.kind == "choice":
            q = idx.questions[target.name]
            if q.type != "multi":
                problems.append(Problem(where, f"question {q.id!r} is {q.type}, not a "
                                               f"multi-select: map the column to the question "
                                               f"itself ({column}: {q.id})"))
                continue
            valid = idx.valid_keys(q.id)
            if target.option not in valid:
                problems.append(Problem(where, f"{target.option!r} is not an option of "
                                               f"{q.id!r}{_close(str(target.option), valid)}; "
                                               f"valid: {', '.join(valid)}"))
    for qid, labels in mapping.values.items():
        if qid != ALL_QUESTIONS and qid not in idx.questions:
            problems.append(Problem(mapping.where("values", qid, key=True),
                                    f"unknown question id {qid!r}{_close(qid, idx.questions)}"))
            continue
        if qid != ALL_QUESTIONS and idx.questions[qid].type in ("numeric", "text"):
            q = idx.questions[qid]
            valid = [k for k in (DONT_KNOW, NOT_APPLICABLE) if k in idx.valid_keys(q.id)]
            for label, key in labels.items():
                if key is not None and key not in valid:
                    problems.append(Problem(mapping.where("values", qid, label),
                                            f"question {qid!r} is {q.type}: a label can only "
                                            f"become {' or '.join(valid + ['null'])}"))
            continue
        for label, key in labels.items():
            if key is None:
                continue
            if qid == ALL_QUESTIONS:
                if not any(key in idx.valid_keys(q) for q in idx.questions):
                    problems.append(Problem(mapping.where("values", qid, label),
                                            f"{key!r} is not an option key of any question"))
                continue
            valid = idx.valid_keys(qid)
            if key not in valid:
                problems.append(Problem(mapping.where("values", qid, label),
                                        f"{key!r} is not an option of {qid!r}"
                                        f"{_close(key, valid)}; valid: {', '.join(valid)} or null"))
    return problems


# --- reading and writing mapping files ----------------------------------------------------


def _label_text(value: Any, where: str, problems: list[Problem]) -> str | None:
    """A label or column name as text; YAML's yes/no/null spellings are errors (quote them)."""
    if isinstance(value, bool) or value is None:
        problems.append(Problem(where, f"{value!r} is read by YAML as "
                                       f"{'a yes/no value' if value is not None else 'null'}: "
                                       f"put the text in quotes"))
        return None
    if isinstance(value, int | float | str):
        return str(value)
    problems.append(Problem(where, "expected text"))
    return None


def _target(value: Any, where: str, problems: list[Problem]) -> Target | None:
    if isinstance(value, str):
        value = value.strip()
        return Target.metadata(value) if value in METADATA_TARGETS else Target.question(value)
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"keep"} and isinstance(value["keep"], str) and value["keep"].strip():
            return Target.keep(value["keep"].strip())
        if keys == {"question"} and isinstance(value["question"], str):
            return Target.question(value["question"].strip())
        if keys == {"question", "option"} and isinstance(value["question"], str) \
                and isinstance(value["option"], str):
            return Target.choice(value["question"].strip(), value["option"].strip())
    problems.append(Problem(where, "expected a question id, a metadata name "
                                   f"({', '.join(METADATA_TARGETS)}), "
                                   "{question: ID, option: KEY} or {keep: NAME}"))
    return None


def mapping_from_data(data: Any, positions: Positions | None = None,
                      source: str | None = None) -> Mapping:
    """Build a :class:`Mapping` from loaded YAML data; raise :class:`MappingError`."""
    mapping = Mapping(source=source, positions=positions)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise MappingError(Problem(mapping.where(), "expected a mapping with keys "
                                                    + ", ".join(TOP_LEVEL_KEYS)))
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.append(Problem(mapping.where(key, key=True),
                                    f"unknown key {key!r}{_close(str(key), TOP_LEVEL_KEYS)}; "
                                    f"valid: {', '.join(TOP_LEVEL_KEYS)}"))
    for key in ("instrument", "timezone"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(Problem(mapping.where(key), "expected text"))
    mapping.instrument = data.get("instrument") if isinstance(data.get("instrument"), str) \
        else None
    layout = data.get("layout")
    if layout is not None:
        if layout not in LAYOUTS:
            problems.append(Problem(mapping.where("layout"), f"unknown layout {layout!r}; valid: "
                                                             f"{', '.join(LAYOUTS)}"))
        else:
            mapping.layout = layout
    dayfirst = data.get("dayfirst")
    if dayfirst is not None:
        if not isinstance(dayfirst, bool):
            problems.append(Problem(mapping.where("dayfirst"), "expected true or false"))
        else:
            mapping.dayfirst = dayfirst
    zone = data.get("timezone")
    if isinstance(zone, str):
        if valid_timezone(zone):
            mapping.timezone = zone
        else:
            problems.append(Problem(mapping.where("timezone"),
                                    f"unknown time zone {zone!r}; valid: an IANA name such as "
                                    f"Europe/Amsterdam, or UTC"))
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(mapping.where("columns"), "expected source column: target pairs"))
        columns = {}
    for column, value in columns.items():
        name = _label_text(column, mapping.where("columns", column, key=True), problems)
        target = _target(value, mapping.where("columns", column), problems)
        if name is not None and target is not None:
            mapping.columns[name] = target
    values = data.get("values") or {}
    if not isinstance(values, dict):
        problems.append(Problem(mapping.where("values"),
                                "expected question id: {label: option key} pairs"))
        values = {}
    for qid, labels in values.items():
        if not isinstance(labels, dict):
            problems.append(Problem(mapping.where("values", qid),
                                    "expected label: option key pairs (null drops the answer)"))
            continue
        table: dict[str, str | None] = {}
        for label, key in labels.items():
            text = _label_text(label, mapping.where("values", qid, label, key=True), problems)
            if key is not None and not isinstance(key, str):
                problems.append(Problem(mapping.where("values", qid, label),
                                        "expected an option key or null"))
                continue
            if text is not None:
                table[text] = key.strip() if isinstance(key, str) else None
        mapping.values[str(qid)] = table
    for key in ("missing", "ignore"):
        items = data.get(key) or []
        if not isinstance(items, list):
            problems.append(Problem(mapping.where(key), "expected a list"))
            continue
        for i, item in enumerate(items):
            text = _label_text(item, mapping.where(key, i), problems)
            if text is not None:
                getattr(mapping, key).append(text)
    if problems:
        raise MappingError(problems)
    return mapping


def load_mapping(path: str | Path, inst: Instrument | None = None) -> Mapping:
    """Read a mapping file (YAML or JSON).

    Errors name ``file:line:column``; with ``inst`` the question ids and option keys are checked
    too (:func:`~socialmaturity.research.importing.read_export` checks them in any case).

    Raises
    ------
    MappingError
        The file cannot be read, is not valid YAML, or does not describe a mapping.
    """
    try:
        data, positions = load_with_positions(path)
    except SocialMaturityError as exc:
        raise MappingError(exc.problems) from None
    mapping = mapping_from_data(data, positions, str(path))
    if inst is not None:
        mapping.check(inst)
    return mapping


_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ ./()+-]*")


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip():
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _target_yaml(target: Target) -> str:
    if target.kind == "choice":
        return f"{{question: {_scalar(target.name)}, option: {_scalar(str(target.option))}}}"
    if target.kind == "keep":
        return f"{{keep: {_scalar(target.name)}}}"
    return _scalar(target.name)


def _comment(text: str) -> str:
    return " ".join(text.split())


def dump_mapping(mapping: Mapping) -> str:
    """The mapping as YAML that :func:`load_mapping` reads back to an equal mapping, with
    comments showing what each column and label was matched to (when suggested)."""
    lines = ["# Survey export → instrument mapping (socialmaturity.research.mapping)."]
    for key in ("instrument", "layout", "timezone"):
        value = getattr(mapping, key)
        if value is not None:
            lines.append(f"{key}: {_scalar(value)}")
    if mapping.dayfirst is not None:
        lines.append(f"dayfirst: {'true' if mapping.dayfirst else 'false'}")
    lines.append("columns:" if mapping.columns else "columns: {}")
    for column, target in mapping.columns.items():
        if column in mapping.comments:
            lines.append(f"  # {_comment(mapping.comments[column])}")
        lines.append(f"  {_scalar(column)}: {_target_yaml(target)}")
    values = {q: labels for q, labels in mapping.values.items() if labels}
    if values:
        lines.append("values:")
        for qid, labels in values.items():
            lines.append(f"  {_scalar(qid)}:")
            for label, key in labels.items():
                note = mapping.label_comments.get((qid, label))
                value = "null" if key is None else _scalar(key)
                lines.append(f"    {_scalar(label)}: {value}"
                             + (f"  # {_comment(note)}" if note else ""))
    for key in ("missing", "ignore"):
        items = getattr(mapping, key)
        if items:
            lines.append(f"{key}:")
            lines.extend(f"  - {_scalar(item)}" for item in items)
    if mapping.unmatched:
        lines.append("# Not matched to a question: map each under columns:, or list it under "
                     "ignore:")
        for column, text in mapping.unmatched.items():
            shown = f": {_comment(text)}" if text and text != column else ""
            lines.append(f"#   {_comment(column)}{shown}"[:200])
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=512)
def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


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


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(normalize_label(text)))


def text_similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–1: the mean of difflib's ratio and the Dice overlap of their
    words (both after :func:`normalize_label`)."""
    na, nb = normalize_label(a), normalize_label(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ratio = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    ta, tb = _tokens(na), _tokens(nb)
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

    def option_by_label(self, qid: str, label: str) -> str | None:
        """The option key (or special key) of ``qid`` whose label (or key) is ``label``."""
        match = AnswerMatcher(self.inst, self.inst.index.questions[qid]).match(label)
        return match.key if match else None

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
                key = self.option_by_label(qid, part)
                if key is not None:
                    return Target.choice(qid, key)
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


# --- suggesting a mapping -----------------------------------------------------------------


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
            from .importing import parse_number

            number = parse_number(s)
            hits += number is not None and q.min <= number <= q.max  # type: ignore[operator]
        elif q.type == "multi":
            found, unknown = split_choices(s, matcher.labels)
            hits += bool(found) and not unknown
    return hits / len(samples)


def _best_label(inst: Instrument, matcher: AnswerMatcher, label: str
                ) -> tuple[float, str | None, str]:
    best: tuple[float, str | None, str] = (0.0, None, "")
    for option in matcher.options:
        for text in option.label.values():
            score = text_similarity(label, text)
            if score > best[0]:
                best = (score, option.key, text)
    for key in matcher.specials:
        for text in inst.special_labels[key].values():  # type: ignore[index]
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
    import pandas as pd

    from .importing import SAMPLE_ROWS, read_raw

    raw = read_raw(export_path, layout=layout, inst=inst)
    texts = QuestionTexts(inst)
    idx = inst.index
    mapping = Mapping(instrument=inst.id, layout=raw.layout)
    suggestions: dict[str, ColumnSuggestion] = {}
    candidates: list[tuple[float, str, Target, str, str]] = []
    system: list[str] = []
    samples: dict[str, list[str]] = {}
    for col in raw.columns:
        default = raw.system.get(col.name, False)
        if default is not False:
            system.append(col.name)
            target = Target.metadata(default) if default else None
            suggestions[col.name] = ColumnSuggestion(col.name, col.text, target, col.name, 1.0,
                                                     "system column")
            continue
        if col.name in raw.free_text:
            system.append(col.name)
            suggestions[col.name] = ColumnSuggestion(col.name, col.text, None, "", 1.0,
                                                     "system column")
            continue
        exact = texts.exact(col.name, col.text, col.choice)
        if exact is not None:
            how = "question id" if col.name in (exact.name,) else "exact text"
            candidates.append((2.0, col.name, exact, col.text or col.name, how))
            continue
        values = raw.data[col.name].iloc[:SAMPLE_ROWS].astype(object)
        samples[col.name] = sorted({str(v).strip() for v in values if not pd.isna(v)
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
                share = _answer_share(inst, qid, samples[col.name])
                combined = score if share is None else 0.8 * score + 0.2 * share
                candidates.append((combined, col.name, Target.question(qid), matched,
                                   "similar text"))
    candidates.sort(key=lambda c: -c[0])
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
    unmatched = []
    for col in raw.columns:
        if col.name not in suggestions:
            unmatched.append(col.name)
            suggestions[col.name] = ColumnSuggestion(col.name, col.text, None, "", 0.0,
                                                     "not matched")
    ordered = [suggestions[c.name] for c in raw.columns]
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
                if key is not None and score >= LABEL_CONFIDENCE:
                    mapping.values.setdefault(q.id, {})[piece] = key
                    mapping.label_comments[(q.id, piece)] = f"{score:.0%} like {matched!r}"
                    out.append(LabelSuggestion(q.id, piece, key, matched, round(score, 3),
                                               int(rows)))
                else:
                    out.append(LabelSuggestion(q.id, piece, None, matched, round(score, 3),
                                               int(rows)))
    return out


__all__ = [
    "ALL_QUESTIONS", "LAYOUTS", "METADATA_COLUMNS", "METADATA_TARGETS", "AnswerMatcher",
    "ColumnSuggestion", "LabelSuggestion", "Mapping", "MappingError", "Match", "QuestionTexts",
    "SuggestionReport", "Target", "dump_mapping", "load_mapping", "mapping_from_data",
    "normalize_label", "split_choice_text", "split_choices", "suggest_mapping",
    "text_similarity",
]
