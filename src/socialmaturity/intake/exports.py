"""Survey export files read into text cells, their layout told: the :class:`RawExport`.

:func:`read_raw` reads a CSV (UTF-8, else Windows-1252, reported; UTF-16 with a byte-order
mark; comma, semicolon or tab), an XLSX (first sheet, via openpyxl) or an SPSS ``.sav`` (via
pyreadstat: value labels applied, user-defined missing values made missing, both reported), in
the layout of the tool that made it, detected from the header rows:

==============  ==============================================================================
layout          header
==============  ==============================================================================
qualtrics       three rows: export tags (``Q1``, ``Q5_1``, ``ResponseId``), question texts,
                ImportId JSON (``{"ImportId":"QID1"}``; ``timeZone`` is used for dates)
surveymonkey    two rows: question texts (blank over the continuation columns of a question
                with one column per choice), then ``Response``, ``Open-Ended Response`` or the
                choice label
google-forms    one row of question texts; ``Timestamp`` first; a multi-select is one cell of
                labels joined by ``", "``
plain           one row of question ids: the batch CSV itself
==============  ==============================================================================

A ``.sav`` file is read as ``qualtrics`` (variable names as export tags, variable labels as
question texts), or as ``plain`` when its variable names are question ids. The files
themselves are read by :mod:`socialmaturity.intake.tables`.

Nothing is mapped here yet: :mod:`socialmaturity.intake.importing` turns a
:class:`RawExport` into the tidy table.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem, SocialMaturityError
from ..instrument.model import Instrument
from ..research.mapping import LAYOUTS, METADATA_TARGETS
from ..research.matching import split_choice_text
from ..scoring.encode import distinct
from .grid import read_grid
from .tables import cell_text, read_sav
from .xlsx import read_xlsx_grid

#: Rows converted between two calls of the ``progress`` callback.
CHUNK_ROWS = 50_000
#: Rows looked at to suggest a mapping or to tell a layout.
SAMPLE_ROWS = 2_000

#: System columns per layout: name → the metadata it becomes (None: dropped). For one
#: metadata the first column present in this order wins.
QUALTRICS_SYSTEM: dict[str, str | None] = {
    "ResponseId": "respondent_id", "ResponseID": "respondent_id",
    "Duration (in seconds)": "duration_seconds", "Duration__in_seconds_": "duration_seconds",
    "Progress": "progress", "RecordedDate": "submitted_at", "EndDate": "submitted_at",
    "StartDate": "started_at",
    **dict.fromkeys(["Status", "IPAddress", "Finished", "RecipientLastName",
                     "RecipientFirstName", "RecipientEmail", "ExternalReference",
                     "ExternalDataReference", "LocationLatitude", "LocationLongitude",
                     "DistributionChannel", "UserLanguage", "Q_RecaptchaScore",
                     "Q_RelevantIDDuplicate", "Q_RelevantIDDuplicateScore",
                     "Q_RelevantIDFraudScore", "Q_RelevantIDLastStartDate",
                     "Q_BallotBoxStuffing", "Q_TotalDuration"]),
}
SURVEYMONKEY_SYSTEM: dict[str, str | None] = {
    "Respondent ID": "respondent_id", "End Date": "submitted_at", "Start Date": "started_at",
    **dict.fromkeys(["Collector ID", "IP Address", "Email Address", "First Name", "Last Name",
                     "Custom Data", "Custom Data 1"]),
}
#: Google Forms names its first column by the form's language.
TIMESTAMP_HEADERS = ("Timestamp", "Tijdstempel", "Horodateur", "Zeitstempel", "Marca temporal",
                     "Carimbo de data/hora", "Informazioni cronologiche")
GOOGLE_SYSTEM: dict[str, str | None] = {
    **dict.fromkeys(TIMESTAMP_HEADERS, "submitted_at"),
    **dict.fromkeys(["Email Address", "Email address", "E-mailadres", "Score", "Totaalscore"]),
}
SYSTEM_COLUMNS = {"qualtrics": QUALTRICS_SYSTEM, "surveymonkey": SURVEYMONKEY_SYSTEM,
                  "google-forms": GOOGLE_SYSTEM, "plain": {}}
SURVEYMONKEY_RESPONSE = ("Response", "Open-Ended Response")
#: Header rows above the data, by layout (else 1).
HEADER_ROWS = {"qualtrics": 3, "surveymonkey": 2}
SURVEYMONKEY_OTHER = re.compile(r"^other\b.*\(please specify\)", re.IGNORECASE)


class SurveyImportError(SocialMaturityError):
    """An export that cannot be imported: unreadable, the wrong layout, unmapped columns, answer
    labels the mapping lacks, numbers out of range."""


@dataclass(frozen=True)
class Recode:
    """A value changed on import: ``count`` cells of ``column`` held ``from_value`` and now
    hold ``to_value`` (``""``: missing), for ``reason`` (``option label``, ``mapping``,
    ``number parsed``, ``value label``, ``user-defined missing``, ``choice column``, …)."""

    column: str
    from_value: str
    to_value: str
    count: int
    reason: str = ""


@dataclass
class SourceColumn:
    """One column of an export: its name, question text, and for a one-column-per-choice
    column the choice label; the time zone of its dates (Qualtrics)."""

    name: str
    text: str = ""
    choice: str | None = None
    time_zone: str | None = None

    def label(self) -> str:
        return f"{self.text} - {self.choice}" if self.choice else self.text


@dataclass
class RawExport:
    """An export read into text cells, its layout told, before any mapping."""

    name: str
    file_format: str
    layout: str
    columns: list[SourceColumn]
    #: Object columns named like ``columns``: text cells, ``""`` when empty.
    data: pd.DataFrame
    #: Header rows above the data (None for ``.sav``); ``header_lines`` counts line breaks.
    header_rows: int | None = 1
    header_lines: int = 1
    encoding: str | None = None
    #: System columns present: name → metadata it becomes by default (None: dropped).
    system: dict[str, str | None] = field(default_factory=dict)
    #: Free-text parts of choices ("Other (please specify)"), dropped unless mapped.
    free_text: set[str] = field(default_factory=set)
    #: Qualtrics embedded data (an ImportId that is no question), dropped unless mapped.
    embedded: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    recodes: list[Recode] = field(default_factory=list)
    #: Whether ``progress`` was already told about the rows (while reading a CSV).
    reported: bool = False
    _lines: np.ndarray | None = None

    def column(self, name: str) -> SourceColumn:
        return next(c for c in self.columns if c.name == name)

    def at(self, column: str) -> Message:
        """``file, column 'C'``: the place of a problem with a whole column."""
        return Message("{file}, column {column!r}", file=self.name, column=column)

    def where(self, row: int, column: str) -> Message:
        """``file:line: row N, column 'C'`` of a 0-based data row."""
        if self.header_rows is None:
            return Message("{file}: row {row}, column {column!r}", file=self.name,
                           row=f"{row + 1:,}", column=column)
        if self.file_format == "csv":
            if self._lines is None:
                breaks = np.zeros(len(self.data), dtype=np.int64)
                for col in self.data.columns:
                    codes, texts = _factorize(self.data[col])
                    breaks += np.array([t.count("\n") for t in texts], dtype=np.int64)[codes]
                self._lines = self.header_lines + 1 + np.arange(len(self.data)) + \
                    np.concatenate([[0], np.cumsum(breaks)[:-1]])
            line = int(self._lines[row])
        else:
            line = self.header_rows + row + 1
        return Message("{file}:{line}: row {row}, column {column!r}", file=self.name, line=line,
                       row=f"{row + 1:,}", column=column)


def _fail(where: str, message: str, **fields: object) -> SurveyImportError:
    return SurveyImportError(Problem(where, message, **fields))


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct texts of a column (categorical or not); code -1 never occurs."""
    codes, found = distinct(values)
    uniques = [str(u) for u in found]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques.append("")
    return codes, uniques


def _stripped(values: pd.Series) -> np.ndarray:
    """The column's texts, trimmed, as an object array (NaN where empty)."""
    codes, texts = _factorize(values)
    table = np.array([t.strip() or np.nan for t in texts] + [np.nan], dtype=object)
    return table[codes]


def _read_sav(path: Path, name: str) -> RawExport:
    """Value labels applied, user-defined missing values made missing: each distinct value
    once, each change a recode."""
    frame, meta = read_sav(path, name, _fail)
    recodes: list[Recode] = []
    data: dict[str, pd.Categorical] = {}
    for col in frame.columns:
        labels = meta.variable_value_labels.get(col, {})
        ranges = meta.missing_ranges.get(col, [])
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        tally = np.bincount(codes[codes >= 0], minlength=len(uniques))
        index: dict[str, int] = {"": 0}
        remap = []
        for value, count in zip(uniques, tally, strict=True):
            text = new = cell_text(value)
            if text and any(_in_range(value, r) for r in ranges):
                label = labels.get(value)
                new = ""
                recodes.append(Recode(col, text + (f" ({label})" if label else ""), "",
                                      int(count), "user-defined missing"))
            elif text and value in labels:
                new = str(labels[value])
                recodes.append(Recode(col, text, new, int(count), "value label"))
            remap.append(index.setdefault(new, len(index)))
        data[col] = pd.Categorical.from_codes(np.array(remap + [0], dtype=np.int64)[codes],
                                              categories=pd.Index(list(index), dtype=object))
    texts = meta.column_names_to_labels or {}
    columns = [SourceColumn(c, texts.get(c) or "") for c in frame.columns]
    raw = RawExport(name, "sav", "qualtrics", columns, pd.DataFrame(data), header_rows=None,
                    recodes=recodes)
    missing_total = sum(r.count for r in recodes if r.reason == "user-defined missing")
    if missing_total:
        raw.warnings.append(Counted("{n} cell held a user-defined missing value: read as "
                                    "unanswered", "{n} cells held user-defined missing values: "
                                    "read as unanswered", missing_total))
    return raw


def _in_range(value: Any, r: dict) -> bool:
    try:
        return r["lo"] <= value <= r["hi"]
    except TypeError:
        return False


def _qualtrics_import(cell: str) -> dict | None:
    text = cell.strip()
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to be an ImportId
        return None
    return data if isinstance(data, dict) and "ImportId" in data else None


def _looks_plain(header: list[str], inst: Instrument | None) -> bool:
    if inst is None:
        return False
    known = set(inst.index.questions) | set(METADATA_TARGETS)
    hits = sum(c.strip() in known for c in header)
    return hits >= max(1, 0.3 * len(header))


def _layout_signs(rows: list[list[str]], inst: Instrument | None) -> dict[str, str]:
    """Which layouts the first rows fit, each with why."""
    signs: dict[str, str] = {}
    if len(rows) >= 3:
        third = [c for c in rows[2] if c.strip()]
        ids = sum(_qualtrics_import(c) is not None for c in third)
        if third and ids >= 0.5 * len(third):
            signs["qualtrics"] = "its third row holds ImportId JSON"
    head = [c.strip() for c in rows[0]]
    second = [c.strip() for c in rows[1]] if len(rows) >= 2 else []
    if "qualtrics" not in signs and (
            "Respondent ID" in head or any(c in SURVEYMONKEY_RESPONSE for c in second)):
        signs["surveymonkey"] = "its second row holds Response / choice labels"
    if head and head[0] in TIMESTAMP_HEADERS:
        signs["google-forms"] = f"its first column is {head[0]!r}"
    if _looks_plain(head, inst):
        signs["plain"] = "its header holds question ids"
    return signs


def _unique(names: list[str], warnings: list[str], name: str) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for i, n in enumerate(names):
        n = n.strip() or f"(column {i + 1})"
        seen[n] += 1
        if seen[n] > 1:
            warnings.append(Message("{file}: column {column!r} appears {times} times; the "
                                    "later one is named {name!r}", file=name, column=n,
                                    times=seen[n], name=f"{n} ({seen[n]})"))
            n = f"{n} ({seen[n]})"
        out.append(n)
    return out


def _system(names: Iterable[str], table: dict[str, str | None]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    present = set(names)
    for column, meta in table.items():
        if column in present:
            out[column] = meta if meta and meta not in taken else None
            if meta:
                taken.add(meta)
    return out


def read_raw(path: str | Path, *, layout: str | None = None, inst: Instrument | None = None,
             progress: Callable[[int], None] | None = None) -> RawExport:
    """Read an export into text cells and tell (or check) its layout; no mapping yet.

    ``progress`` is told the data rows read, chunk by chunk, for a CSV (XLSX and SPSS files are
    read in one go; :func:`read_export` reports their rows as it converts them).

    Raises
    ------
    SurveyImportError
        The file is missing, unreadable, or not in ``layout`` (or in no layout we know).
    """
    path = Path(path)
    name = str(path)
    if layout is not None and layout not in LAYOUTS:
        raise _fail(name, "unknown layout {layout!r}; valid: {valid}", layout=layout,
                    valid=", ".join(LAYOUTS))
    if not path.exists():
        raise _fail(name, "no such file")
    if path.is_dir():
        raise _fail(name, "is a folder, not a file")
    with path.open("rb") as f:
        magic = f.read(4)
    suffix = path.suffix.lower()
    if suffix in (".sav", ".zsav") or magic in (b"$FL2", b"$FL3"):
        raw = _read_sav(path, name)
        if layout in ("surveymonkey", "google-forms"):
            raise _fail(name, "an SPSS file has variable names and labels, not the header rows "
                              "of {layout}: use layout qualtrics or plain", layout=layout)
        names = [c.name for c in raw.columns]
        raw.layout = layout or ("plain" if _looks_plain(names, inst) else "qualtrics")
        raw.system = _system(names, QUALTRICS_SYSTEM if raw.layout == "qualtrics" else {})
        return raw
    if suffix == ".xls":
        raise _fail(name, "old .xls workbooks are not read: save it as .xlsx or CSV (UTF-8)")
    encoding = None
    warnings: list[str] = []
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        grid = read_xlsx_grid(path, name, _fail)
        fmt = "xlsx"
    else:
        def header_rows(rows: list[list[str]]) -> int:
            signs = _layout_signs(rows, inst)
            chosen = layout or next((c for c in LAYOUTS if c in signs), "plain")
            return HEADER_ROWS.get(chosen, 1)

        grid, encoding, warnings = read_grid(path, name, _fail, progress=progress,
                                             header_rows=header_rows)
        fmt = "csv"
    signs = _layout_signs([_row(grid, i) for i in range(min(4, len(grid)))], inst)
    layout = _checked_layout(name, signs, layout)
    rows = HEADER_ROWS.get(layout, 1)
    head = [_row(grid, i) for i in range(rows)]
    builder = {"qualtrics": _qualtrics, "surveymonkey": _surveymonkey}.get(layout, _one_header)
    columns, free, embedded = builder(name, head, warnings)
    names = [c.name for c in columns]
    data = grid.iloc[rows:].reset_index(drop=True)
    data.columns = names
    return RawExport(name, fmt, layout, columns, data, rows,
                     rows + sum(c.count("\n") for row in head for c in row), encoding,
                     _system(names, SYSTEM_COLUMNS[layout]), free, embedded, warnings,
                     reported=fmt == "csv" and progress is not None)


def _checked_layout(name: str, signs: dict[str, str], layout: str | None) -> str:
    """The layout the signs tell, or the one named when they fit it."""
    if layout is None:
        layout = next((c for c in LAYOUTS if c in signs), None)
        if layout is None:
            raise _fail(name, "cannot tell which tool made this export: expected Qualtrics "
                              "(three header rows, the third ImportId JSON), SurveyMonkey (two "
                              "header rows), Google Forms (a Timestamp column first) or a plain "
                              "header of question ids; name the layout (qualtrics, "
                              "surveymonkey, google-forms, plain)")
    elif layout == "qualtrics" and "qualtrics" not in signs:
        raise _fail(name, "not a Qualtrics export: the third row should hold ImportId JSON "
                          '({{"ImportId":"QID1"}}); export with "Use legacy format" off'
                          "{detected}", detected=_detected(signs))
    elif layout == "surveymonkey" and "surveymonkey" not in signs:
        raise _fail(name, "not a SurveyMonkey export: the second row should hold 'Response', "
                          "'Open-Ended Response' or choice labels{detected}",
                    detected=_detected(signs))
    elif layout in ("google-forms", "plain") and \
            {"qualtrics", "surveymonkey"} & set(signs):
        raise _fail(name, "not a {layout} export: it has the header rows of {found} ({signs})",
                    layout=layout, signs="; ".join(signs.values()),
                    found=" / ".join(sorted({"qualtrics", "surveymonkey"} & set(signs))))
    return layout


def _detected(signs: dict[str, str]) -> Message | str:
    if not signs:
        return ""
    layout, why = next(iter(signs.items()))
    return Message("; it looks like {layout} ({why})", layout=layout, why=why)


def _row(grid: pd.DataFrame, i: int) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in grid.iloc[i].tolist()]


#: A layout's columns from its header rows: (columns, free-text columns, embedded data).
Columns = tuple[list[SourceColumn], set[str], set[str]]


def _qualtrics(name: str, rows: list[list[str]], warnings: list[str]) -> Columns:
    tags, texts, ids = rows
    names = _unique(tags, warnings, name)
    columns: list[SourceColumn] = []
    embedded: set[str] = set()
    free: set[str] = set()
    for col, text, cell in zip(names, texts, ids, strict=True):
        info = _qualtrics_import(cell) or {}
        import_id = str(info.get("ImportId", "")) or None
        choice = None
        if "choiceId" in info and (split := split_choice_text(text)):
            text, choice = split
        columns.append(SourceColumn(col, text.strip(), choice, info.get("timeZone")))
        if import_id and col not in QUALTRICS_SYSTEM:
            if import_id.upper().endswith("_TEXT") or col.upper().endswith("_TEXT"):
                free.add(col)
            elif not import_id.startswith("QID"):
                embedded.add(col)
    return columns, free, embedded


def _surveymonkey(name: str, rows: list[list[str]], warnings: list[str]) -> Columns:
    first, second = rows
    columns: list[SourceColumn] = []
    free: set[str] = set()
    question = ""
    for head, sub in zip(first, second, strict=True):
        head, sub = head.strip(), sub.strip()
        if head:
            question = head
        if head in SURVEYMONKEY_SYSTEM or not sub or sub in SURVEYMONKEY_RESPONSE:
            columns.append(SourceColumn(head or question, head or question))
            continue
        columns.append(SourceColumn(f"{question} | {sub}", question, sub))
        if SURVEYMONKEY_OTHER.match(sub):
            free.add(columns[-1].name)
    names = _unique([c.name for c in columns], warnings, name)
    for col, unique in zip(columns, names, strict=True):
        if unique != col.name:
            free.discard(col.name)
            col.name = unique
    return columns, free, set()


def _one_header(name: str, rows: list[list[str]], warnings: list[str]) -> Columns:
    return [SourceColumn(n, n) for n in _unique(rows[0], warnings, name)], set(), set()


__all__ = ["CHUNK_ROWS", "RawExport", "Recode", "SourceColumn", "SurveyImportError", "read_raw"]
