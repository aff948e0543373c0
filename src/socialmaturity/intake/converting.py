"""Converting the cells of an export: answer labels to option keys, numbers parsed, choice
columns combined, metadata times read; every changed value counted as a
:class:`~socialmaturity.intake.exports.Recode`, every bad one a problem. Each distinct text of a
column is converted once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem, shown
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from ..research.mapping import Mapping
from ..research.matching import AnswerMatcher, normalize_label, split_choices
from ..research.parsing import (
    _PLAIN_NUMBER,
    _ambiguous_separator,
    detect_dayfirst,
    has_zone,
    parse_timestamps,
)
from ..scoring.encode import is_percent, parse_number
from .exports import CHUNK_ROWS, RawExport, Recode, _factorize
from .planning import Plan

#: Cells of a one-column-per-choice column that mean "not chosen" (besides empty ones).
UNCHECKED = ("0", "false")


@dataclass(frozen=True)
class _Cell:
    value: Any = np.nan
    reason: str | None = None
    #: "label" (an answer that fits no option: one message per column and label) or
    #: "value" (a bad value: one message per row).
    problem: str | None = None
    message: str = ""


_EMPTY = _Cell()


def _convert(q: Question, matcher: AnswerMatcher, text: str, inst: Instrument) -> _Cell:
    text = text.strip()
    if not text:
        return _EMPTY
    m = matcher.match(text)
    if q.type == "text":
        if m is not None and m.key is None:
            return _Cell(np.nan, m.reason)
        return _Cell(text)
    if m is not None:
        value = np.nan if m.key is None else m.key
        return _Cell(value, m.reason)
    if q.type == "numeric":
        number = parse_number(text, percent=is_percent(q))
        specials = " / ".join(repr(inst.text(inst.special_labels[k], "en"))  # type: ignore[index]
                              for k in matcher.specials)
        valid = Message("a number from {low} to {high} or {specials}", low=f"{q.min:g}",
                        high=f"{q.max:g}", specials=specials) if specials else \
            Message("a number from {low} to {high}", low=f"{q.min:g}", high=f"{q.max:g}")
        if number is None:
            return _Cell(problem="value", message=Message("{value} is not a number; valid: "
                                                          "{valid}", value=shown(text),
                                                          valid=valid))
        if not q.min <= number <= q.max:  # type: ignore[operator]
            return _Cell(problem="value", message=Message("{value} is out of range; valid: "
                                                          "{valid}", value=f"{number:g}",
                                                          valid=valid))
        return _Cell(number, None if _PLAIN_NUMBER.fullmatch(text) else "number parsed")
    if q.type == "single":
        return _Cell(problem="label", message=text)
    found, unknown = split_choices(text, matcher.labels)
    if unknown:
        return _Cell(problem="label", message=unknown[0])
    matches = [matcher.match(f) for f in found]
    keys = {m.key for m in matches if m is not None and m.key is not None}
    return _multi_value(q, matcher, keys, text,
                        ", ".join(sorted({m.reason for m in matches if m and m.reason})))


def _multi_value(q: Question, matcher: AnswerMatcher, keys: set[str], text: str,
                 reason: str) -> _Cell:
    if not keys:
        return _Cell(np.nan, reason or None)
    special = [k for k in (DONT_KNOW, NOT_APPLICABLE) if k in keys]
    exclusive = [o.key for o in matcher.options if o.exclusive and o.key in keys]
    if (special or exclusive) and len(keys) > 1:
        return _Cell(problem="value", message=Message(
            "{key} is chosen with other options ({value}); it excludes them",
            key=shown((special or exclusive)[0]), value=shown(text)))
    value = ";".join(k for k in [*matcher.keys, *special] if k in keys)
    return _Cell(value, None if value == text else (reason or "option keys"))


class Converter:
    """Converts the planned columns chunk by chunk, counting recodes and problems."""

    def __init__(self, raw: RawExport, inst: Instrument, mapping: Mapping, plan: Plan):
        self.raw, self.inst = raw, inst
        self.n = len(raw.data)
        self.out: dict[str, np.ndarray] = {}
        #: (column, cell text) → converted cell, and how many cells held it
        self.cells: dict[tuple[str, str], _Cell] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        #: (kind, column, label or text) → [count, first rows, message]
        self.issues: dict[tuple[str, str, str], list[Any]] = {}
        self.choices: dict[str, list[tuple[str, str]]] = {}
        self.questions: dict[str, str] = {}
        for column, target in plan.targets.items():
            if target.kind == "choice":
                self.choices.setdefault(target.name, []).append((column, target.option or ""))
            elif target.kind == "question":
                self.questions[column] = target.name
        self.matchers = {qid: AnswerMatcher(inst, inst.index.questions[qid], mapping)
                         for qid in [*self.questions.values(), *self.choices]}
        self.factors: dict[str, tuple[np.ndarray, list[str]]] = {}
        #: column → converted value per distinct text (choice columns: chosen or not)
        self.values: dict[str, np.ndarray] = {}

    def run(self, progress: Callable[[int], None] | None) -> None:
        for qid in [*self.questions.values(), *self.choices]:
            self.out[qid] = np.full(self.n, np.nan, dtype=object)
        for start in range(0, self.n, CHUNK_ROWS):
            stop = min(self.n, start + CHUNK_ROWS)
            for column, qid in self.questions.items():
                self._column(column, qid, start, stop)
            for qid, parts in self.choices.items():
                self._choices(qid, parts, start, stop)
            if progress:
                progress(stop - start)

    def _issue(self, kind: str, column: str, text: str, message: str, rows: np.ndarray) -> None:
        issue = self.issues.setdefault((kind, column, text), [0, [], message])
        issue[0] += len(rows)
        if len(issue[1]) < 5:
            issue[1].extend(int(r) for r in rows[:5 - len(issue[1])])

    def _factors(self, column: str) -> tuple[np.ndarray, list[str]]:
        if column not in self.factors:
            self.factors[column] = _factorize(self.raw.data[column])
        return self.factors[column]

    def _column(self, column: str, qid: str, start: int, stop: int) -> None:
        """Convert one question column's rows start:stop, each distinct text once."""
        q = self.inst.index.questions[qid]
        matcher = self.matchers[qid]
        codes_all, texts = self._factors(column)
        codes = codes_all[start:stop]
        if column not in self.values:
            self.values[column] = np.full(len(texts), np.nan, dtype=object)
        values = self.values[column]
        tally = np.bincount(codes, minlength=len(texts))
        for k in np.flatnonzero(tally):
            key = (column, texts[k])
            cell = self.cells.get(key)
            if cell is None:
                cell = self.cells[key] = _convert(q, matcher, texts[k], self.inst)
                values[k] = cell.value
            if cell.problem:
                rows = start + np.flatnonzero(codes == k)
                label = cell.message if cell.problem == "label" else texts[k]
                self._issue(cell.problem, column, label, cell.message, rows)
            elif cell.reason:
                self.counts[key] += int(tally[k])
        self.out[qid][start:stop] = values[codes]

    def _choices(self, qid: str, parts: list[tuple[str, str]], start: int, stop: int) -> None:
        """Combine the one-column-per-choice columns of ``qid`` for rows start:stop."""
        q = self.inst.index.questions[qid]
        matcher = self.matchers[qid]
        mask = np.zeros(stop - start, dtype=np.int64)
        order = [*matcher.keys, DONT_KNOW, NOT_APPLICABLE]
        for column, option in parts:
            codes_all, texts = self._factors(column)
            codes = codes_all[start:stop]
            if column not in self.values:
                checked = np.zeros(len(texts), dtype=bool)
                for k, raw_text in enumerate(texts):
                    text = raw_text.strip()
                    m = matcher.match(text) if text else None
                    off = not text or text.lower() in UNCHECKED or (m is not None and m.key is None)
                    checked[k] = not off
                    if text and (off or text != option):
                        why = "choice column: not chosen" if off else "choice column"
                        self.cells[(column, raw_text)] = _Cell(np.nan if off else option, why)
                self.values[column] = checked
            checked = self.values[column]
            tally = np.bincount(codes, minlength=len(texts))
            for k in np.flatnonzero(tally):
                if (column, texts[k]) in self.cells:
                    self.counts[(column, texts[k])] += int(tally[k])
            mask |= np.where(checked[codes], 1 << order.index(option), 0)
        codes, masks = pd.factorize(mask)
        values = np.empty(len(masks), dtype=object)
        for k, bits in enumerate(masks):
            keys = {o for i, o in enumerate(order) if int(bits) >> i & 1}
            cell = _multi_value(q, matcher, keys, ";".join(k for k in order if k in keys), "")
            values[k] = np.nan if cell.problem else cell.value
            if cell.problem:
                self._issue("value", parts[0][0], str(bits), cell.message,
                            start + np.flatnonzero(codes == k))
        self.out[qid][start:stop] = values[codes]

    def recodes(self) -> list[Recode]:
        out = []
        for (column, text), count in self.counts.items():
            cell = self.cells[(column, text)]
            value = cell.value
            shown = "" if not isinstance(value, str) and pd.isna(value) else (
                f"{value:g}" if isinstance(value, float) else str(value))
            out.append(Recode(column, text, shown, count, cell.reason or ""))
        return out

    def _language(self, column: str, qid: str) -> str:
        """The locale whose labels most of the column's answers are in (for error messages)."""
        labels = {lang: {normalize_label(o.label.get(lang, "")) for o in self.matchers[qid].options}
                  for lang in self.inst.locales}
        texts = [normalize_label(t) for (c, t) in self.cells if c == column]
        hits = {lang: sum(label in t for t in texts for label in found if label)
                for lang, found in labels.items()}
        return max(self.inst.locales, key=lambda lang: hits[lang])

    def problems(self) -> list[Problem]:
        out = []
        for (kind, column, _), (count, rows, message) in self.issues.items():
            if kind == "label":
                qid = self.questions[column]
                valid = "; ".join(repr(v) for v in self.matchers[qid].valid_labels(
                    self._language(column, qid), self.inst))
                out.append(Problem(
                    self.raw.at(column),
                    Counted("{value} ({n} row, first row {first}) is not an answer to {qid!r}; "
                            "valid: {valid}; add it to the mapping under values: {qid}:",
                            "{value} ({n} rows, first row {first}) is not an answer to "
                            "{qid!r}; valid: {valid}; add it to the mapping under values: "
                            "{qid}:", count, value=shown(message), first=f"{rows[0] + 1:,}",
                            qid=qid, valid=valid)))
            else:
                more = "" if count == 1 else Message(
                    " ({n} rows: {rows})", n=f"{count:,}",
                    rows=", ".join(f"{r + 1:,}" for r in rows) + (", …" if count > 5 else ""))
                out.append(Problem(self.raw.where(rows[0], column), "{error}{more}",
                                   error=message, more=more))
        return out


def _how_many(rows: np.ndarray) -> Message | str:
    return Message(" ({n} rows)", n=f"{len(rows):,}") if len(rows) > 1 else ""


def metadata_numbers(raw: RawExport, column: str, name: str, low: float, high: float | None,
                      recodes: list[Recode], problems: list[Problem]) -> np.ndarray:
    codes, texts = _factorize(raw.data[column])
    values = np.full(len(texts), np.nan)
    tally = np.bincount(codes, minlength=len(texts))
    for k in np.flatnonzero(tally):
        text = texts[k].strip()
        if not text:
            continue
        number = parse_number(text, percent=True)
        if number is None or number < low or (high is not None and number > high):
            rows = np.flatnonzero(codes == k)
            valid = Message("a number from {low} to {high}", low=f"{low:g}", high=f"{high:g}") \
                if high is not None else Message("a number from {low} up", low=f"{low:g}")
            problems.append(Problem(raw.where(int(rows[0]), column),
                                    "{value} is not a valid {name}; valid: {valid}{rows}",
                                    value=shown(text), name=name, valid=valid,
                                    rows=_how_many(rows)))
            continue
        values[k] = number
        if not _PLAIN_NUMBER.fullmatch(text):
            recodes.append(Recode(column, text, f"{number:g}", int(tally[k]), "number parsed"))
    return values[codes]


def metadata_times(raw: RawExport, column: str, mapping: Mapping, dayfirst: bool | None,
                    warnings: list[str], problems: list[Problem]) -> pd.Series:
    codes, all_texts = _factorize(raw.data[column])
    present = np.flatnonzero(np.bincount(codes, minlength=len(all_texts)))
    texts = [all_texts[k].strip() for k in present]  # header rows are categories too
    col = raw.column(column)
    zone = col.time_zone or mapping.timezone or "UTC"
    if dayfirst is None:
        step = max(1, len(texts) // 20_000)
        dayfirst = detect_dayfirst(texts[::step])
        if dayfirst is None and step > 1:
            dayfirst = detect_dayfirst(texts)
        sep = _ambiguous_separator(texts[:1000])
        if dayfirst is None and sep is not None:
            dayfirst = sep in "-."
            warnings.append(Message("column {column!r}: every date reads both as day-month "
                                    "and month-day; read as day first (set dayfirst: in the "
                                    "mapping to change it)", column=column) if dayfirst else
                            Message("column {column!r}: every date reads both as day-month "
                                    "and month-day; read as month first (set dayfirst: in the "
                                    "mapping to change it)", column=column))
    if not col.time_zone and not mapping.timezone and raw.layout != "plain" and \
            any(t and not has_zone(t) for t in texts[:1000]):
        warnings.append(Message("column {column!r}: times without a time zone read as UTC "
                                "(set timezone: in the mapping)", column=column))
    parsed = parse_timestamps(texts, dayfirst=bool(dayfirst), tz=zone)
    stamps = pd.Series(pd.NaT, index=range(len(all_texts)), dtype="datetime64[ns, UTC]")
    stamps.iloc[present] = parsed.to_numpy()
    bad = np.flatnonzero(parsed.isna().to_numpy() & np.array([bool(t) for t in texts]))
    for i in bad:
        k = present[i]
        rows = np.flatnonzero(codes == k)
        problems.append(Problem(raw.where(int(rows[0]), column),
                                "{value} is not a date and time we can read; valid: e.g. "
                                "2026-11-27 10:03:12, 11/27/2026 10:03:12 AM, "
                                "27-11-2026 10:03:12{rows}", value=shown(texts[i]),
                                rows=_how_many(rows)))
    return pd.Series(pd.DatetimeIndex(stamps)[codes].astype("datetime64[ns, UTC]"))


__all__ = ["Converter", "metadata_numbers", "metadata_times"]
