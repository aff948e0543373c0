"""Mappings: how the columns and answer labels of a survey export become instrument answers.

A mapping is a small YAML file (its keys: the README's "The mapping file"), written by hand or
proposed by :func:`suggest_mapping` and written out by :func:`dump_mapping`.

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

The answer matching (:class:`~socialmaturity.research.matching.AnswerMatcher`,
:func:`~socialmaturity.research.matching.split_choices`) lives in
:mod:`socialmaturity.research.matching`; proposing a mapping
(:func:`~socialmaturity.research.suggesting.suggest_mapping`) in
:mod:`socialmaturity.research.suggesting`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import Message, Problem, SocialMaturityError
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
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


def _close(word: str, valid: Iterable[str]) -> Message | str:
    from ..scoring.encode import closest

    near = closest(str(word), valid)
    return Message(" (did you mean {near!r}?)", near=near) if near else ""


def mapping_problems(mapping: Mapping, inst: Instrument) -> list[Problem]:
    """Everything in ``mapping`` that names a question, option or metadata ``inst`` lacks."""
    idx = inst.index
    problems: list[Problem] = []
    if mapping.instrument and mapping.instrument != inst.id:
        problems.append(Problem(mapping.where("instrument"),
                                "the mapping is for instrument {mapping!r}, but the import "
                                "uses {used!r}", mapping=mapping.instrument, used=inst.id))
    for column, target in mapping.columns.items():
        where = mapping.where("columns", column)
        if target.kind == "metadata":
            if target.name not in METADATA_TARGETS:
                problems.append(Problem(where, "unknown metadata {name!r}; valid: {valid}",
                                        name=target.name, valid=", ".join(METADATA_TARGETS)))
            continue
        if target.kind == "keep":
            if target.name in idx.questions or target.name in METADATA_TARGETS:
                problems.append(Problem(where, "keep: {name!r} is a question or metadata "
                                               "name; choose another column name",
                                        name=target.name))
            continue
        if target.name not in idx.questions:
            problems.append(Problem(where, "unknown question id {name!r}{close}; valid: a "
                                           "question id (`socialmaturity instrument show`) or "
                                           "{metadata}", name=target.name,
                                    close=_close(target.name, idx.questions),
                                    metadata=", ".join(METADATA_TARGETS)))
            continue
        if target.kind == "choice":
            q = idx.questions[target.name]
            if q.type != "multi":
                problems.append(Problem(where, "question {qid!r} is {type}, not a "
                                               "multi-select: map the column to the question "
                                               "itself ({column}: {qid})", qid=q.id,
                                        type=q.type, column=column))
                continue
            valid = idx.valid_keys(q.id)
            if target.option not in valid:
                problems.append(Problem(where, "{value!r} is not an option of {qid!r}{close}; "
                                               "valid: {valid}", value=target.option,
                                        qid=q.id, close=_close(str(target.option), valid),
                                        valid=", ".join(valid)))
    for qid, labels in mapping.values.items():
        if qid != ALL_QUESTIONS and qid not in idx.questions:
            problems.append(Problem(mapping.where("values", qid, key=True),
                                    "unknown question id {qid!r}{close}", qid=qid,
                                    close=_close(qid, idx.questions)))
            continue
        if qid != ALL_QUESTIONS and idx.questions[qid].type in ("numeric", "text"):
            q = idx.questions[qid]
            valid = [k for k in (DONT_KNOW, NOT_APPLICABLE) if k in idx.valid_keys(q.id)]
            for label, key in labels.items():
                if key is not None and key not in valid:
                    problems.append(Problem(mapping.where("values", qid, label),
                                            "question {qid!r} is {type}: a label can only "
                                            "become {valid} or null", qid=qid, type=q.type,
                                            valid=" / ".join(valid))
                                    if valid else
                                    Problem(mapping.where("values", qid, label),
                                            "question {qid!r} is {type}: a label can only "
                                            "become null", qid=qid, type=q.type))
            continue
        for label, key in labels.items():
            if key is None:
                continue
            if qid == ALL_QUESTIONS:
                if not any(key in idx.valid_keys(q) for q in idx.questions):
                    problems.append(Problem(mapping.where("values", qid, label),
                                            "{key!r} is not an option key of any question",
                                            key=key))
                continue
            valid = idx.valid_keys(qid)
            if key not in valid:
                problems.append(Problem(mapping.where("values", qid, label),
                                        "{value!r} is not an option of {qid!r}{close}; valid: "
                                        "{valid} or null", value=key, qid=qid,
                                        close=_close(key, valid), valid=", ".join(valid)))
    return problems


# --- reading and writing mapping files ----------------------------------------------------


def _label_text(value: Any, where: str, problems: list[Problem]) -> str | None:
    """A label or column name as text; YAML's yes/no/null spellings are errors (quote them)."""
    if isinstance(value, bool) or value is None:
        problems.append(Problem(where, "{value!r} is read by YAML as a yes/no value: put "
                                       "the text in quotes", value=value)
                        if value is not None else
                        Problem(where, "{value!r} is read by YAML as null: put the text in "
                                       "quotes", value=value))
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
    problems.append(Problem(where, "expected a question id, a metadata name ({metadata}), "
                                   "{{question: ID, option: KEY}} or {{keep: NAME}}",
                            metadata=", ".join(METADATA_TARGETS)))
    return None


def _read_values(values: Any, mapping: Mapping, problems: list[Problem]) -> None:
    """``values:``: per question, answer label → option key (or None: drop the answer)."""
    if not isinstance(values, dict):
        problems.append(Problem(mapping.where("values"),
                                "expected question id: {label: option key} pairs"))
        return
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


def mapping_from_data(data: Any, positions: Positions | None = None,
                      source: str | None = None) -> Mapping:
    """Build a :class:`Mapping` from loaded YAML data; raise :class:`MappingError`."""
    mapping = Mapping(source=source, positions=positions)
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise MappingError(Problem(mapping.where(), "expected a mapping with keys {keys}",
                                   keys=", ".join(TOP_LEVEL_KEYS)))
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.append(Problem(mapping.where(key, key=True),
                                    "unknown key {key!r}{close}; valid: {valid}", key=key,
                                    close=_close(str(key), TOP_LEVEL_KEYS),
                                    valid=", ".join(TOP_LEVEL_KEYS)))
    for key in ("instrument", "timezone"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(Problem(mapping.where(key), "expected text"))
    layout, dayfirst, zone = data.get("layout"), data.get("dayfirst"), data.get("timezone")
    if layout is not None and layout not in LAYOUTS:
        problems.append(Problem(mapping.where("layout"), "unknown layout {layout!r}; valid: "
                                "{valid}", layout=layout, valid=", ".join(LAYOUTS)))
    if dayfirst is not None and not isinstance(dayfirst, bool):
        problems.append(Problem(mapping.where("dayfirst"), "expected true or false"))
    if isinstance(zone, str):
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(Problem(mapping.where("timezone"), "unknown time zone {zone!r}; "
                                    "valid: an IANA name such as Europe/Amsterdam, or UTC",
                                    zone=zone))
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(mapping.where("columns"), "expected source column: target pairs"))
        columns = {}
    for column, value in columns.items():
        name = _label_text(column, mapping.where("columns", column, key=True), problems)
        target = _target(value, mapping.where("columns", column), problems)
        if name is not None and target is not None:
            mapping.columns[name] = target
    _read_values(data.get("values") or {}, mapping, problems)
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
    # every setting is valid here (else the problems were raised)
    mapping.instrument, mapping.layout, mapping.dayfirst, mapping.timezone = (
        data.get("instrument"), layout, dayfirst, zone)
    return mapping


def load_mapping(path: str | Path, inst: Instrument | None = None) -> Mapping:
    """Read a mapping file (YAML or JSON).

    Errors name ``file:line:column``; with ``inst`` the question ids and option keys are checked
    too (:func:`~socialmaturity.intake.importing.read_export` checks them in any case).

    Raises
    ------
    MappingError
        The file cannot be read, is not valid YAML, or does not describe a mapping.
    """
    data, positions = load_with_positions(path, MappingError)
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


__all__ = [
    "ALL_QUESTIONS", "LAYOUTS", "METADATA_COLUMNS", "METADATA_TARGETS", "Mapping", "MappingError",
    "Target", "dump_mapping", "load_mapping", "mapping_from_data",
]
