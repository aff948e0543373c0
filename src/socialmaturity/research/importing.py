"""Import survey exports into the tidy table every research step uses.

:func:`read_export` reads an export (:func:`~socialmaturity.research.exports.read_raw`: CSV,
XLSX or SPSS ``.sav``, in the Qualtrics, SurveyMonkey, Google Forms or plain layout, see
:mod:`socialmaturity.research.exports`) and applies a mapping to it.

The **tidy table** (the batch-CSV layout, see the README): one row per respondent;
``respondent_id`` (the export's, else ``row-00001``…), ``organization_id`` when mapped, one column
per profile, scored and outcome question of the instrument (option keys, multi-selects as keys
joined by ``;``, floats for numeric questions, ``dont-know``/``not-applicable``, NaN when
unanswered; object dtype), columns mapped with ``keep``, then ``duration_seconds`` (float),
``progress`` (0–100) and ``submitted_at`` (``datetime64[ns, UTC]``) when the export has them.

Columns are tied to questions by the mapping (:mod:`socialmaturity.research.mapping`), by a
header that is a question id, or by a question text equal to the instrument's (any locale);
system columns of the layout become metadata or are dropped; anything else that looks like a
question is an error, as is an answer that fits no option. Nothing is coerced silently: every
changed value is a :class:`Recode` in the result, every dropped column is listed.

Equivalent in R, roughly: ``qualtRics::read_survey()`` / ``haven::read_sav()`` followed by
``dplyr::recode()`` per column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, shown
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from .exports import (
    CHUNK_ROWS,
    RawExport,
    Recode,
    SourceColumn,
    SurveyImportError,
    _factorize,
    _stripped,
    read_raw,
)
from .mapping import METADATA_TARGETS, Mapping, MappingError, Target, load_mapping, mapping_problems
from .matching import AnswerMatcher, QuestionTexts, normalize_label, split_choices
from .parsing import (
    _PLAIN_NUMBER,
    _ambiguous_separator,
    detect_dayfirst,
    has_zone,
    parse_number,
    parse_timestamps,
)

#: Problems listed in an error (the total is counted).
MAX_LISTED = 20
#: Cells of a one-column-per-choice column that mean "not chosen" (besides empty ones).
UNCHECKED = ("0", "false")


@dataclass
class ImportResult:
    """What :func:`read_export` made of an export."""

    frame: pd.DataFrame
    layout: str
    #: Every column of the export, in order (SurveyMonkey: ``question | choice``).
    source_columns: list[str]
    recodes: list[Recode]
    dropped_columns: list[str]
    warnings: list[str]
    #: Source column → what it became (``sector``, ``reach-departments=marketing``,
    #: ``respondent_id``, ``keep:wave``), for the method appendix.
    column_map: dict[str, str] = field(default_factory=dict)
    file_format: str = "csv"
    encoding: str | None = None

    def recodes_frame(self) -> pd.DataFrame:
        """The recodes as a table: column, from_value, to_value, count, reason."""
        return pd.DataFrame([r.__dict__ for r in self.recodes],
                            columns=["column", "from_value", "to_value", "count", "reason"])


# --- planning: which column becomes what --------------------------------------------------


@dataclass
class _Plan:
    targets: dict[str, Target] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _plan(raw: RawExport, mapping: Mapping, inst: Instrument) -> _Plan:
    plan = _Plan()
    texts = QuestionTexts(inst)
    idx = inst.index
    present = {c.name for c in raw.columns}
    unmapped: list[SourceColumn] = []
    kept: list[str] = []
    for col in raw.columns:
        name = col.name
        if name in mapping.columns:
            plan.targets[name] = mapping.columns[name]
        elif name in mapping.ignore:
            plan.dropped[name] = "ignored by the mapping"
        elif name in raw.system:
            if raw.system[name]:
                plan.targets[name] = Target.metadata(raw.system[name])  # type: ignore[arg-type]
            else:
                plan.dropped[name] = f"{raw.layout} system column"
        elif name in raw.free_text:
            plan.dropped[name] = "free text of an 'Other' choice"
        elif (exact := texts.exact(name, col.text, col.choice)) is not None:
            plan.targets[name] = exact
        elif name in raw.embedded:
            plan.dropped[name] = "Qualtrics embedded data"
        elif raw.layout == "plain" and not _close_id(name, idx.questions):
            plan.targets[name] = Target.keep(name)
            kept.append(name)
        else:
            unmapped.append(col)
    # a metadata target from the mapping beats the layout's default column for it
    mapped_meta = {t.name for c, t in mapping.columns.items() if t.kind == "metadata"}
    for name, target in list(plan.targets.items()):
        if target.kind == "metadata" and name not in mapping.columns and \
                target.name in mapped_meta:
            del plan.targets[name]
            plan.dropped[name] = f"{raw.layout} system column"
    meta = {t.name: c for c, t in plan.targets.items() if t.kind == "metadata"}
    if "started_at" in meta and "duration_seconds" in meta:  # only needed for a duration
        del plan.targets[meta["started_at"]]
        plan.dropped[meta["started_at"]] = f"{raw.layout} system column"
    missing = [c for c in (*mapping.columns, *mapping.ignore) if c not in present]
    if missing:
        plan.warnings.append(f"the mapping names {len(missing)} column(s) the export does not "
                             f"have: {_short(missing)}")
    if kept:
        plan.warnings.append(f"{len(kept)} column(s) that are no question id passed through "
                             f"unchanged: {_short(kept)}")
    for kind in ("Qualtrics embedded data", "free text of an 'Other' choice"):
        cols = [c for c, r in plan.dropped.items() if r == kind]
        if cols:
            plan.warnings.append(f"dropped {len(cols)} column(s) of {kind} (map them to keep "
                                 f"them): {_short(cols)}")
    for col in unmapped:
        hint = col.label() or col.name
        near = _close_id(col.name, idx.questions)
        plan.problems.append(Problem(
            f"{raw.name}, column {col.name!r}",
            (f"looks like question id {near!r} but is not one; " if near else "")
            + (f"not mapped to a question ({hint[:70]!r}); " if hint != col.name and not near
               else "not mapped to a question; ")
            + "map it under columns: or ignore: in the mapping (`research mapping suggest` "
              "proposes one)"))
    _conflicts(raw, plan, inst)
    return plan


def _close_id(name: str, ids: Iterable[str]) -> str | None:
    import difflib

    near = difflib.get_close_matches(name.strip().lower().replace("_", "-"), list(ids), n=1,
                                     cutoff=0.85)
    return near[0] if near else None


def _short(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


def _conflicts(raw: RawExport, plan: _Plan, inst: Instrument) -> None:
    by: dict[tuple[str, str, str | None], list[str]] = {}
    for column, target in plan.targets.items():
        kind = "question" if target.kind == "choice" else target.kind
        slot = (kind, target.name, target.option if target.kind == "choice" else None)
        by.setdefault(slot, []).append(column)
    for (kind, name, option), columns in by.items():
        if len(columns) > 1:
            what = f"option {option!r} of {name!r}" if option else f"{kind} {name!r}"
            plan.problems.append(Problem(f"{raw.name}, column {columns[1]!r}",
                                         f"columns {_short(columns)} all map to {what}: map one, "
                                         f"ignore the others"))
    whole = {n for (k, n, o) in by if k == "question" and o is None}
    for (kind, name, option) in by:
        if option is not None and name in whole:
            plan.problems.append(Problem(f"{raw.name}, column {by[(kind, name, option)][0]!r}",
                                         f"question {name!r} has both a column of its own and "
                                         f"one column per choice: map one of the two"))
            break
    names = set(inst.index.questions) | set(METADATA_TARGETS)
    for column, target in plan.targets.items():
        if target.kind == "keep" and target.name in names:
            plan.problems.append(Problem(f"{raw.name}, column {column!r}",
                                         f"cannot keep it as {target.name!r}: that is a question "
                                         f"or metadata name"))


# --- converting cells ---------------------------------------------------------------------


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
        number = parse_number(text)
        specials = " or ".join(repr(inst.text(inst.special_labels[k], "en"))  # type: ignore[index]
                               for k in matcher.specials)
        valid = f"a number from {q.min:g} to {q.max:g}" + (f" or {specials}" if specials else "")
        if number is None:
            return _Cell(problem="value", message=f"{shown(text)} is not a number; valid: {valid}")
        if not q.min <= number <= q.max:  # type: ignore[operator]
            return _Cell(problem="value", message=f"{number:g} is out of range; valid: {valid}")
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
        return _Cell(problem="value", message=f"{shown((special or exclusive)[0])} is chosen with "
                                              f"other options ({shown(text)}); it excludes them")
    value = ";".join(k for k in [*matcher.keys, *special] if k in keys)
    return _Cell(value, None if value == text else (reason or "option keys"))


class _Converter:
    """Converts the planned columns chunk by chunk, counting recodes and problems."""

    def __init__(self, raw: RawExport, inst: Instrument, mapping: Mapping, plan: _Plan):
        self.raw, self.inst, self.mapping = raw, inst, mapping
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
                    f"{self.raw.name}, column {column!r}",
                    f"{shown(message)} ({count:,} row{'s' if count > 1 else ''}, first row "
                    f"{rows[0] + 1:,}) is not an answer to {qid!r}; valid: {valid}; add it to "
                    f"the mapping under values: {qid}:"))
            else:
                more = "" if count == 1 else f" ({count:,} rows: " + \
                    ", ".join(f"{r + 1:,}" for r in rows) + (", …)" if count > 5 else ")")
                out.append(Problem(self.raw.where(rows[0], column), message + more))
        return out


def _metadata_numbers(raw: RawExport, column: str, name: str, low: float, high: float | None,
                      recodes: list[Recode], problems: list[Problem]) -> np.ndarray:
    codes, texts = _factorize(raw.data[column])
    values = np.full(len(texts), np.nan)
    tally = np.bincount(codes, minlength=len(texts))
    for k in np.flatnonzero(tally):
        text = texts[k].strip()
        if not text:
            continue
        number = parse_number(text)
        if number is None or number < low or (high is not None and number > high):
            rows = np.flatnonzero(codes == k)
            valid = f"a number from {low:g}" + (f" to {high:g}" if high is not None else " up")
            problems.append(Problem(raw.where(int(rows[0]), column),
                                    f"{shown(text)} is not a valid {name}; valid: {valid}"
                                    + (f" ({len(rows):,} rows)" if len(rows) > 1 else "")))
            continue
        values[k] = number
        if not _PLAIN_NUMBER.fullmatch(text):
            recodes.append(Recode(column, text, f"{number:g}", int(tally[k]), "number parsed"))
    return values[codes]


def _metadata_times(raw: RawExport, column: str, mapping: Mapping, dayfirst: bool | None,
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
            warnings.append(f"column {column!r}: every date reads both as day-month and "
                            f"month-day; read as {'day' if dayfirst else 'month'} first "
                            f"(set dayfirst: in the mapping to change it)")
    if not col.time_zone and not mapping.timezone and raw.layout != "plain" and \
            any(t and not has_zone(t) for t in texts[:1000]):
        warnings.append(f"column {column!r}: times without a time zone read as UTC (set "
                        f"timezone: in the mapping)")
    parsed = parse_timestamps(texts, dayfirst=bool(dayfirst), tz=zone)
    stamps = pd.Series(pd.NaT, index=range(len(all_texts)), dtype="datetime64[ns, UTC]")
    stamps.iloc[present] = parsed.to_numpy()
    bad = np.flatnonzero(parsed.isna().to_numpy() & np.array([bool(t) for t in texts]))
    for i in bad:
        k = present[i]
        rows = np.flatnonzero(codes == k)
        problems.append(Problem(raw.where(int(rows[0]), column),
                                f"{shown(texts[i])} is not a date and time we can read; "
                                f"valid: e.g. "
                                f"2026-11-27 10:03:12, 11/27/2026 10:03:12 AM, "
                                f"27-11-2026 10:03:12"
                                + (f" ({len(rows):,} rows)" if len(rows) > 1 else "")))
    return pd.Series(pd.DatetimeIndex(stamps)[codes].astype("datetime64[ns, UTC]"))


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise SurveyImportError(problems[:MAX_LISTED], total=len(problems))


def read_export(path: str | Path, *, layout: str | None = None,
                mapping: Mapping | str | Path | None = None, inst: Instrument | None = None,
                progress: Callable[[int], None] | None = None,
                dayfirst: bool | None = None) -> ImportResult:
    """Read a survey export into the tidy table (see the module docstring).

    Parameters
    ----------
    path
        A CSV, XLSX or SPSS ``.sav`` file.
    layout
        ``qualtrics``, ``surveymonkey``, ``google-forms`` or ``plain``; default: the mapping's,
        else told from the header rows.
    mapping
        A :class:`~socialmaturity.research.mapping.Mapping` or the path of a mapping YAML.
    inst
        The instrument (default: the mapping's ``instrument``, else the bundled one).
    progress
        Called with a number of rows each time a chunk of rows is done: read, for a CSV (the
        slow part); converted, for XLSX and SPSS. The calls add up to the row count, e.g.
        ``lambda k: bar.advance(task, k)``.
    dayfirst
        Read ``03-04-2026`` as 3 April (True) or March 4 (False); default: the mapping's, else
        told from the data.

    Returns
    -------
    ImportResult
        ``frame`` (the tidy table), ``layout``, ``source_columns``, ``recodes``,
        ``dropped_columns``, ``warnings``, ``column_map``.

    Raises
    ------
    SurveyImportError
        Unreadable file, wrong layout, unmapped question columns, labels that fit no option,
        numbers out of range, unreadable timestamps (the first 20 problems, with the total).
    MappingError
        A mapping that names questions or options the instrument lacks.
    """
    from ..instrument.loader import resolve_instrument

    if isinstance(mapping, str | Path):
        mapping = load_mapping(mapping)
    mapping = mapping or Mapping()
    if inst is None:
        inst = resolve_instrument(mapping.instrument)
    problems = mapping_problems(mapping, inst)
    if problems:
        raise MappingError(problems)
    raw = read_raw(path, layout=layout or mapping.layout, inst=inst, progress=progress)
    plan = _plan(raw, mapping, inst)
    _raise(plan.problems)
    converter = _Converter(raw, inst, mapping, plan)
    converter.run(None if raw.reported else progress)
    problems = converter.problems()
    recodes = raw.recodes + converter.recodes()
    warnings = raw.warnings + plan.warnings
    n = len(raw.data)
    columns: dict[str, Any] = {}
    meta = {t.name: c for c, t in plan.targets.items() if t.kind == "metadata"}
    if "respondent_id" in meta:
        ids = _stripped(raw.data[meta["respondent_id"]])
        empty = np.flatnonzero(pd.isna(ids))
        if len(empty):
            problems.append(Problem(raw.where(int(empty[0]), meta["respondent_id"]),
                                    f"empty respondent id ({len(empty):,} "
                                    f"row{'s' if len(empty) > 1 else ''}); every row needs one"))
        columns["respondent_id"] = ids
    else:
        width = max(5, len(str(n)))
        columns["respondent_id"] = np.array([f"row-{i + 1:0{width}d}" for i in range(n)],
                                            dtype=object)
        warnings.append("no respondent id column: respondent_id is the data row number "
                        "(row-00001, …)")
    if "organization_id" in meta:
        columns["organization_id"] = _stripped(raw.data[meta["organization_id"]])
    absent = []
    for q in [*inst.profile, *inst.scored_questions, *inst.outcomes]:
        if q.id in converter.out:
            columns[q.id] = converter.out[q.id]
        else:
            columns[q.id] = np.full(n, np.nan, dtype=object)
            absent.append(q.id)
    if absent:
        warnings.append(f"{len(absent)} question(s) have no column in the export (unanswered): "
                        f"{_short(absent)}")
    for column, target in plan.targets.items():
        if target.kind == "keep":
            columns[target.name] = _stripped(raw.data[column])
    if "duration_seconds" in meta:
        columns["duration_seconds"] = _metadata_numbers(raw, meta["duration_seconds"],
                                                        "duration in seconds", 0, None, recodes,
                                                        problems)
    if "progress" in meta:
        columns["progress"] = _metadata_numbers(raw, meta["progress"], "progress", 0, 100,
                                                recodes, problems)
    first = dayfirst if dayfirst is not None else mapping.dayfirst
    times = {name: _metadata_times(raw, meta[name], mapping, first, warnings, problems)
             for name in ("started_at", "submitted_at") if name in meta}
    if "duration_seconds" not in meta and len(times) == 2:
        columns["duration_seconds"] = (times["submitted_at"] - times["started_at"]) \
            .dt.total_seconds().to_numpy()
        warnings.append(f"duration_seconds computed from {meta['started_at']!r} and "
                        f"{meta['submitted_at']!r}")
    if "submitted_at" in times:
        columns["submitted_at"] = times["submitted_at"]
    _raise(problems)
    frame = pd.DataFrame({k: (pd.Series(v, dtype=object) if k in inst.index.questions
                              or k in ("respondent_id", "organization_id") else v)
                          for k, v in columns.items()})
    if "submitted_at" in frame:
        frame["submitted_at"] = frame["submitted_at"].astype("datetime64[ns, UTC]")
    for name in ("duration_seconds", "progress"):
        if name in frame:
            frame[name] = frame[name].astype("float64")
    return ImportResult(
        frame=frame, layout=raw.layout, source_columns=[c.name for c in raw.columns],
        recodes=recodes, dropped_columns=list(plan.dropped), warnings=warnings,
        column_map={c: t.describe() for c, t in plan.targets.items()},
        file_format=raw.file_format, encoding=raw.encoding)



__all__ = ["ImportResult", "Recode", "SurveyImportError", "read_export"]
