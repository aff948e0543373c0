"""Import survey exports into the tidy table every research step uses.

:func:`read_export` reads a CSV (UTF-8, else Windows-1252, reported; UTF-16 with a byte-order
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
question texts) unless its names are question ids (``plain``).

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

import codecs
import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..errors import Problem, SocialMaturityError
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question
from .mapping import (
    LAYOUTS,
    METADATA_TARGETS,
    AnswerMatcher,
    Mapping,
    MappingError,
    QuestionTexts,
    Target,
    load_mapping,
    mapping_problems,
    normalize_label,
    split_choice_text,
    split_choices,
)

#: Rows read (CSV) or converted between two calls of the ``progress`` callback.
CHUNK_ROWS = 50_000
#: Rows looked at to suggest a mapping or to tell a layout.
SAMPLE_ROWS = 2_000
#: Problems listed in an error (the total is counted).
MAX_LISTED = 20

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
SURVEYMONKEY_OTHER = re.compile(r"^other\b.*\(please specify\)", re.IGNORECASE)
#: Cells of a one-column-per-choice column that mean "not chosen" (besides empty ones).
UNCHECKED = ("0", "false")


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


# --- parsers ------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_NUMBER = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d+)")


def parse_number(text: str) -> float | None:
    """A number from how people and tools write it, or ``None``.

    Accepts ``40``, ``40.5``, ``40,5`` (a single comma without a dot is a decimal comma),
    ``1,234.5`` and ``1.234,5`` (the last of ``.``/``,`` is the decimal mark), spaces as
    thousands separators and a trailing ``%``: ``"40%"`` → 40.0.
    """
    t = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    if not _NUMBER.fullmatch(t):
        return None
    if "," in t and "." in t:
        decimal = "," if t.rfind(",") > t.rfind(".") else "."
        t = t.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    elif t.count(",") > 1:
        t = t.replace(",", "")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    try:
        return float(t)
    except ValueError:
        return None


_TIMESTAMP = re.compile(r"""^\s*
    (?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})
      |(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?P<y2>\d{4}|\d{2}))
    (?:(?:T|\s+|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?
      \s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?
    \s*(?P<tz>Z|(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})?
    \s*$""", re.VERBOSE)
_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?$")


def detect_dayfirst(texts: Iterable[str]) -> bool | None:
    """Whether ``a-b-yyyy`` / ``a/b/yyyy`` timestamps put the day first, told from the data:
    True when some first number is over 12 and no second one is, False for the reverse,
    the majority when both occur, None when every value reads both ways (or none is of this
    form). ``yyyy-mm-dd`` forms are never ambiguous."""
    day_first = month_first = 0
    for text in texts:
        m = _TIMESTAMP.match(str(text))
        if m and m["a"]:
            a, b = int(m["a"]), int(m["b"])
            day_first += a > 12 >= b
            month_first += b > 12 >= a
    if not day_first and not month_first:
        return None
    return day_first >= month_first


def _ambiguous_separator(texts: Iterable[str]) -> str | None:
    for text in texts:
        m = _TIMESTAMP.match(str(text))
        if m and m["a"]:
            return m["s2"]
    return None


def _utc(text: str, dayfirst: bool, tz: str) -> datetime | None:
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    if m["y1"]:
        year, month, day = int(m["y1"]), int(m["m1"]), int(m["d1"])
    else:
        a, b = int(m["a"]), int(m["b"])
        day, month = (a, b) if dayfirst else (b, a)
        year = int(m["y2"])
        if len(m["y2"]) == 2:
            year += 2000 if year < 69 else 1900  # as strptime's %y
    hour, minute = int(m["H"] or 0), int(m["M"] or 0)
    second = int(m["S"] or 0)
    micro = int((m["f"] or "0")[:6].ljust(6, "0"))
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"][0] in "Pp" else 0)
    zone = m["tz"]
    if zone:
        offset = _OFFSET.search(zone)
        if zone in ("Z", "GMT", "UTC") or not offset:
            tzinfo: Any = UTC
        else:
            sign = -1 if offset[1] == "-" else 1
            delta = timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0))
            if delta > timedelta(hours=14):
                return None
            tzinfo = timezone(sign * delta)
    else:
        tzinfo = _zone(tz)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo).astimezone(UTC)
    except ValueError:
        return None


def _zone(name: str) -> Any:
    return UTC if name == "UTC" else ZoneInfo(name)


def parse_timestamp(text: str, *, dayfirst: bool = False, tz: str = "UTC") -> pd.Timestamp | None:
    """A timestamp in UTC, or ``None`` when ``text`` is not one.

    Reads ``2026-11-27 10:03:12`` (ISO, with ``T``, fractions, ``Z`` or ``+01:00``),
    ``2026/11/27 10:03:12 AM GMT+1`` (Google Forms), ``11/27/2026 10:03:12 AM`` (SurveyMonkey)
    and ``27-11-2026 10:03:12`` (``dayfirst`` decides between ``d-m-y`` and ``m-d-y``); times
    without a zone are in ``tz`` (an IANA name). Two-digit years are read as ``strptime``'s
    ``%y`` does (69–99: 1900s).
    """
    stamp = _utc(str(text), dayfirst, tz)
    return None if stamp is None else pd.Timestamp(stamp)


_DIRECTIVES = {"y1": "%Y", "m1": "%m", "d1": "%d", "H": "%H", "M": "%M", "S": "%S", "f": "%f",
               "ampm": "%p", "tz": "%z"}


def _strptime_format(text: str, dayfirst: bool) -> str | None:
    """The ``strptime`` format of a timestamp text, when one describes it exactly."""
    m = _TIMESTAMP.match(text)
    if not m or (m["ampm"] and m["ampm"].upper() not in ("AM", "PM")) or \
            (m["tz"] and not re.fullmatch(r"Z|[+-]\d{2}:?\d{2}", m["tz"])) or \
            (m["f"] and len(m["f"]) > 6):
        return None
    directives = dict(_DIRECTIVES, a="%d" if dayfirst else "%m", b="%m" if dayfirst else "%d",
                      y2="%Y" if m["y2"] and len(m["y2"]) == 4 else "%y")
    if m["ampm"]:
        directives["H"] = "%I"
    out, pos = [], 0
    for (begin, end), group in sorted((m.span(g), g) for g in directives if m[g] is not None):
        out += [text[pos:begin].replace("%", "%%"), directives[group]]
        pos = end
    return "".join(out) + text[pos:].replace("%", "%%")


def parse_timestamps(texts: list[str], *, dayfirst: bool = False, tz: str = "UTC"
                     ) -> pd.Series:
    """:func:`parse_timestamp` over many texts (``datetime64[ns, UTC]``, NaT where a text is no
    timestamp): the format of the first is tried on all at once (pandas), the rest one by
    one."""
    series = pd.Series(texts, dtype=object)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    fmt = next((f for t in texts[:50] if t and (f := _strptime_format(t, dayfirst))), None)
    if fmt:
        if "%z" in fmt:
            parsed = pd.to_datetime(series, format=fmt, errors="coerce", utc=True)
        else:
            parsed = pd.to_datetime(series, format=fmt, errors="coerce")
            parsed = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        out = parsed.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    todo = np.flatnonzero(out.isna().to_numpy() & (series.to_numpy() != ""))
    if len(todo):
        stamps = [_utc(texts[i], dayfirst, tz) for i in todo]
        out.iloc[todo] = pd.DatetimeIndex([pd.NaT if s is None else s for s in stamps],
                                          tz="UTC").astype("datetime64[ns, UTC]")
    return out


def has_zone(text: str) -> bool:
    m = _TIMESTAMP.match(str(text))
    return bool(m and m["tz"])


# --- reading files ------------------------------------------------------------------------


@dataclass
class SourceColumn:
    """One column of an export: its name, question text, and for a one-column-per-choice
    column the choice label; Qualtrics' ImportId and the time zone of its dates."""

    name: str
    text: str = ""
    choice: str | None = None
    import_id: str | None = None
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

    def where(self, row: int, column: str) -> str:
        """``file:line: row N, column 'C'`` of a 0-based data row."""
        if self.header_rows is None:
            return f"{self.name}: row {row + 1:,}, column {column!r}"
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
        return f"{self.name}:{line}: row {row + 1:,}, column {column!r}"


def _fail(where: str, message: str) -> SurveyImportError:
    return SurveyImportError(Problem(where, message))


def _delimiter(text: str) -> str:
    best, count = ",", 0
    for d in (",", ";", "\t"):
        try:
            first = next(csv.reader(io.StringIO(text), delimiter=d))
        except (StopIteration, csv.Error):
            continue
        if len(first) > count:
            best, count = d, len(first)
    return best


def _read_csv(path: Path, name: str, progress: Callable[[int], None] | None = None,
              header_rows: Callable[[list[list[str]]], int] | None = None
              ) -> tuple[pd.DataFrame, str, list[str]]:
    """The whole file as a grid of categorical text columns, its encoding and warnings.

    pandas reads the file in chunks (no copy of the text in Python); each column is kept as
    codes and categories, so every distinct answer is one string however many rows hold it.
    ``progress`` is told the data rows of each chunk (``header_rows`` says how many of the
    first rows are headers)."""
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.replace(b"\xef\xbb\xbf", b"").strip():
        raise _fail(name, "the file is empty: expected header rows and one row per respondent")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in head:
        raise _fail(name, "not a text file (it holds NUL bytes): export the survey as CSV, "
                          "XLSX or SPSS .sav")
    else:
        encoding = _encoding(path, name)
    try:
        grid = _read_chunks(path, _delimiter(head.decode(encoding, errors="replace")), encoding,
                            progress, header_rows)
    except (pd.errors.ParserError, csv.Error, UnicodeError) as exc:
        raise _fail(name, f"not a valid CSV file: {exc}") from None
    warnings = [] if encoding != "cp1252" else [
        f"{name} is not UTF-8: read as Windows-1252 (cp1252); check accented letters, or "
        f"export as CSV UTF-8"]
    return grid, "utf-8" if encoding == "utf-8-sig" else encoding, warnings


def _encoding(path: Path, name: str) -> str:
    """``utf-8-sig`` when the whole file decodes as UTF-8, else ``cp1252`` when it decodes as
    that (checked block by block, without holding the text)."""
    failed_at = None
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as f:
                while block := f.read(1 << 20):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            failed_at = failed_at if failed_at is not None else offset + exc.start
            continue
        return encoding
    raise _fail(name, f"not text in UTF-8 or Windows-1252 (byte {failed_at}): export the survey "
                      f"as CSV (UTF-8), XLSX or SPSS .sav")


def _read_chunks(path: Path, sep: str, encoding: str, progress: Callable[[int], None] | None,
                 header_rows: Callable[[list[list[str]]], int] | None) -> pd.DataFrame:
    reader = pd.read_csv(path, header=None, dtype=object, sep=sep, encoding=encoding,
                         keep_default_na=False, na_filter=False, skip_blank_lines=True,
                         chunksize=CHUNK_ROWS)
    tables: list[dict[str, int]] = []
    codes: list[list[np.ndarray]] = []
    width = 0
    for number, chunk in enumerate(reader):
        if number == 0:
            width = chunk.shape[1]
            tables = [{} for _ in range(width)]
            codes = [[] for _ in range(width)]
        for j in range(width):
            cells = chunk.iloc[:, j].to_numpy()
            local, uniques = pd.factorize(cells)
            table = tables[j]
            ids = np.fromiter((table.setdefault("" if u is None else u, len(table))
                               for u in uniques), dtype=np.int64, count=len(uniques))
            codes[j].append(ids[local] if len(ids) else np.zeros(len(cells), np.int64))
        if progress:
            skip = header_rows([[str(c) for c in row] for row in chunk.iloc[:4].values.tolist()]) \
                if number == 0 and header_rows else 0
            progress(max(0, len(chunk) - skip))
    if not tables:
        return pd.DataFrame()
    return pd.DataFrame({j: pd.Categorical.from_codes(
        np.concatenate(codes[j]), categories=pd.Index(list(tables[j]), dtype=object))
        for j in range(width)})


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct texts of a column (categorical or not); code -1 never occurs."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = [str(c) for c in values.cat.categories]
        if (codes < 0).any():
            codes = np.where(codes < 0, len(categories), codes)
            categories.append("")
        return codes, categories
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    uniques = ["" if u is None else str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques.append("")
    return codes, uniques


def _stripped(values: pd.Series) -> np.ndarray:
    """The column's texts, trimmed, as an object array (NaN where empty)."""
    codes, texts = _factorize(values)
    table = np.array([t.strip() or np.nan for t in texts] + [np.nan], dtype=object)
    return table[codes]


def _cell_text(value: Any) -> str:
    """An XLSX or SPSS cell as the text a CSV would hold."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        return f"{int(value)}" if float(value).is_integer() else repr(float(value))
    if isinstance(value, datetime | pd.Timestamp):
        return value.isoformat(sep=" ")
    return str(value)


def _text_column(values: pd.Series, convert: Callable[[Any], str] | None = None
                 ) -> tuple[pd.Categorical, list[Any], np.ndarray]:
    """A column of cell values as categorical text, each distinct value converted once
    (default: :func:`_cell_text`); also the distinct values and how many cells hold each."""
    convert = convert or _cell_text
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = list(uniques)
    tally = np.bincount(codes[codes >= 0], minlength=len(uniques))
    index: dict[str, int] = {"": 0}
    remap = np.array([index.setdefault(convert(u), len(index)) for u in uniques] + [0],
                     dtype=np.int64)
    return (pd.Categorical.from_codes(remap[codes], categories=pd.Index(list(index),
                                                                          dtype=object)),
            uniques, tally)


def _read_xlsx(path: Path, name: str) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise _fail(name, "reading .xlsx needs openpyxl: pip install openpyxl") from None
    try:
        grid = pd.read_excel(path, header=None, dtype=object, sheet_name=0, engine="openpyxl",
                             na_filter=False)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        raise _fail(name, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    if grid.empty:
        raise _fail(name, "the first sheet is empty: expected header rows and one row per "
                          "respondent")
    grid = grid.dropna(how="all").reset_index(drop=True)
    return pd.DataFrame({c: _text_column(grid[c])[0] for c in grid.columns})


def _read_sav(path: Path, name: str) -> RawExport:
    try:
        import pyreadstat
    except ImportError:
        raise _fail(name, "reading .sav needs pyreadstat: pip install pyreadstat") from None
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError alike
        raise _fail(name, f"not a readable SPSS .sav file ({exc})") from None
    recodes: list[Recode] = []
    data: dict[str, pd.Categorical] = {}
    for col in frame.columns:
        labels = meta.variable_value_labels.get(col, {})
        ranges = meta.missing_ranges.get(col, [])

        def convert(value: Any, labels: dict = labels, ranges: list = ranges) -> str:
            text = _cell_text(value)
            if text and any(_in_range(value, r) for r in ranges):
                return ""
            return str(labels[value]) if text and value in labels else text

        data[col], uniques, tally = _text_column(frame[col], convert)
        for value, count in zip(uniques, tally, strict=True):
            text = _cell_text(value)
            if text and any(_in_range(value, r) for r in ranges):
                label = labels.get(value)
                recodes.append(Recode(col, text + (f" ({label})" if label else ""), "",
                                      int(count), "user-defined missing"))
            elif text and value in labels:
                recodes.append(Recode(col, text, str(labels[value]), int(count), "value label"))
    texts = meta.column_names_to_labels or {}
    columns = [SourceColumn(c, texts.get(c) or "") for c in frame.columns]
    raw = RawExport(name, "sav", "qualtrics", columns, pd.DataFrame(data), header_rows=None,
                    recodes=recodes)
    missing_total = sum(r.count for r in recodes if r.reason == "user-defined missing")
    if missing_total:
        raw.warnings.append(f"{missing_total:,} cells held user-defined missing values: read "
                            f"as unanswered")
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
    except ValueError:
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
            warnings.append(f"{name}: column {n!r} appears {seen[n]} times; the later one is "
                            f"named {n + f' ({seen[n]})'!r}")
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
        raise _fail(name, f"unknown layout {layout!r}; valid: {', '.join(LAYOUTS)}")
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
            raise _fail(name, f"an SPSS file has variable names and labels, not the header rows "
                              f"of {layout}: use layout qualtrics or plain")
        names = [c.name for c in raw.columns]
        raw.layout = layout or ("plain" if _looks_plain(names, inst) else "qualtrics")
        raw.system = _system(names, QUALTRICS_SYSTEM if raw.layout == "qualtrics" else {})
        return raw
    if suffix == ".xls":
        raise _fail(name, "old .xls workbooks are not read: save it as .xlsx or CSV (UTF-8)")
    encoding = None
    warnings: list[str] = []
    if suffix in (".xlsx", ".xlsm") or magic == b"PK\x03\x04":
        grid = _read_xlsx(path, name)
        fmt = "xlsx"
    else:
        def header_rows(rows: list[list[str]]) -> int:
            signs = _layout_signs(rows, inst)
            chosen = layout or next((c for c in LAYOUTS if c in signs), "plain")
            return {"qualtrics": 3, "surveymonkey": 2}.get(chosen, 1)

        grid, encoding, warnings = _read_csv(path, name, progress, header_rows)
        fmt = "csv"
    signs = _layout_signs([_row(grid, i) for i in range(min(4, len(grid)))], inst)
    if layout is None:
        for candidate in LAYOUTS:
            if candidate in signs:
                layout = candidate
                break
        else:
            raise _fail(name, "cannot tell which tool made this export: expected Qualtrics "
                              "(three header rows, the third ImportId JSON), SurveyMonkey (two "
                              "header rows), Google Forms (a Timestamp column first) or a plain "
                              "header of question ids; name the layout (qualtrics, "
                              "surveymonkey, google-forms, plain)")
    elif layout == "qualtrics" and "qualtrics" not in signs:
        raise _fail(name, "not a Qualtrics export: the third row should hold ImportId JSON "
                          '({"ImportId":"QID1"}); export with "Use legacy format" off'
                          + _detected(signs))
    elif layout == "surveymonkey" and "surveymonkey" not in signs:
        raise _fail(name, "not a SurveyMonkey export: the second row should hold 'Response', "
                          "'Open-Ended Response' or choice labels" + _detected(signs))
    elif layout in ("google-forms", "plain") and \
            {"qualtrics", "surveymonkey"} & set(signs):
        raise _fail(name, f"not a {layout} export: it has the header rows of "
                          f"{' / '.join(sorted({'qualtrics', 'surveymonkey'} & set(signs)))} "
                          f"({'; '.join(signs.values())})")
    builder = {"qualtrics": _qualtrics, "surveymonkey": _surveymonkey}.get(layout, _one_header)
    raw = builder(name, grid, warnings)
    raw.file_format, raw.encoding, raw.layout = fmt, encoding, layout
    raw.reported = fmt == "csv" and progress is not None
    raw.system = _system([c.name for c in raw.columns], SYSTEM_COLUMNS[layout])
    return raw


def _detected(signs: dict[str, str]) -> str:
    if not signs:
        return ""
    layout, why = next(iter(signs.items()))
    return f"; it looks like {layout} ({why})"


def _frame(grid: pd.DataFrame, skip: int, names: list[str]) -> pd.DataFrame:
    body = grid.iloc[skip:].reset_index(drop=True)
    body.columns = names
    return body


def _row(grid: pd.DataFrame, i: int) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in grid.iloc[i].tolist()]


def _breaks(rows: list[list[str]]) -> int:
    return sum(str(c).count("\n") for row in rows for c in row)


def _qualtrics(name: str, grid: pd.DataFrame, warnings: list[str]) -> RawExport:
    tags, texts, ids = (_row(grid, i) for i in range(3))
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
        columns.append(SourceColumn(col, text.strip(), choice, import_id, info.get("timeZone")))
        if import_id and col not in QUALTRICS_SYSTEM:
            if import_id.upper().endswith("_TEXT") or col.upper().endswith("_TEXT"):
                free.add(col)
            elif not import_id.startswith("QID"):
                embedded.add(col)
    return RawExport(name, "csv", "qualtrics", columns, _frame(grid, 3, names), 3,
                     3 + _breaks([_row(grid, i) for i in range(3)]), free_text=free,
                     embedded=embedded, warnings=warnings)


def _surveymonkey(name: str, grid: pd.DataFrame, warnings: list[str]) -> RawExport:
    first, second = (_row(grid, i) for i in range(2))
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
    return RawExport(name, "csv", "surveymonkey", columns, _frame(grid, 2, names), 2,
                     2 + _breaks([_row(grid, i) for i in range(2)]), free_text=free,
                     warnings=warnings)


def _one_header(name: str, grid: pd.DataFrame, warnings: list[str]) -> RawExport:
    names = _unique(_row(grid, 0), warnings, name)
    columns = [SourceColumn(n, n) for n in names]
    return RawExport(name, "csv", "plain", columns, _frame(grid, 1, names), 1,
                     1 + _breaks([_row(grid, 0)]), warnings=warnings)


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
            return _Cell(problem="value", message=f"{text!r} is not a number; valid: {valid}")
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
        return _Cell(problem="value", message=f"{(special or exclusive)[0]!r} is chosen with "
                                              f"other options ({text!r}); it excludes them")
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
                    f"{message!r} ({count:,} row{'s' if count > 1 else ''}, first row "
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
                                    f"{text!r} is not a valid {name}; valid: {valid}"
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
                                f"{texts[i]!r} is not a date and time we can read; valid: e.g. "
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


__all__ = [
    "CHUNK_ROWS", "ImportResult", "Recode", "RawExport", "SourceColumn", "SurveyImportError",
    "detect_dayfirst", "parse_number", "parse_timestamp", "read_export", "read_raw",
]
