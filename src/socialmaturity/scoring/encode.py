"""One validator and encoder for every way answers come in: answers files (YAML/JSON), the
JSON API, web forms and CSV cells (``score --batch``, panels, research).

Every raw value goes through :func:`check`, which gives either its encoded form or an
:class:`Invalid` (what is wrong); :func:`message` words an ``Invalid`` in English or Dutch. So
the same bad value is refused with the same message whichever way it came in; only the place
in front of it differs (``file:line:col: answers.q:``, ``row 3, column 'q':``, the form field).

**Raw values.** Empty text, an empty list and ``None`` are unanswered. Text is stripped.
``dont-know`` / ``not-applicable`` where the question offers them. A single choice is an option
key. A multi-select is a list of keys, or texts of keys separated by ``;`` (a CSV cell; also
in files, forms and lists); each key at most once, and "don't know", "not applicable" and an
exclusive option ("none of these") only alone. A number is a JSON/YAML number or a text read by
:func:`parse_number`; it must lie in the question's ``min``–``max``.

**Encoded form** (what :mod:`socialmaturity.scoring.engine` scores): per question a
:class:`Column` of ``status`` (``ANSWERED`` 0, ``MISSING`` 1, ``DK`` 2, ``NA`` 3; int8) and
``value`` (the option's index for a single choice, a bit mask of the chosen options for a
multi-select, the number for a numeric question; 0 otherwise).

**Columns, fast.** :func:`encode_column` checks each *distinct* value of a column once
(:func:`distinct`) and maps the codes back to the rows; :func:`encode_frame` does that for
every question column of a table.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Count, Message, shown
from ..i18n.catalog import number, tr
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument, Question

ANSWERED, MISSING, DK, NA = 0, 1, 2, 3
MULTI_SEPARATOR = ";"
_SPECIAL = {DONT_KNOW: DK, NOT_APPLICABLE: NA}

#: An answer after validation: an option key, a list of keys, a number, or a special key.
Value = str | list[str] | float


@dataclass
class Column:
    status: np.ndarray  # int8
    value: np.ndarray  # int64 (option index or bit mask) or float64 (numeric)


@dataclass
class Encoded:
    n: int
    columns: dict[str, Column]


# --- numbers ------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(r"[\d., ]+")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d{1,3}")
_GROUPED = re.compile(r"\d{1,3}(?:([ .,])\d{3})(?:\1\d{3})*")


def parse_number(text: str, *, percent: bool = False) -> float | None:
    """A number as people and survey tools write it, or ``None``. The rule:

    - an optional sign, digits and at most one decimal mark (``nan``, ``inf`` and ``0x10`` are
      not numbers); the exponent form programs write (``5.6e-08``, with a ``.``) is read too;
    - ``.`` and ``,`` both present: the last one is the decimal mark and the other groups
      thousands (``1.234,5`` and ``1,234.5`` are 1234.5);
    - only one of them, once: it is the decimal mark (``2,5`` and ``2.5`` are 2.5; so
      ``1,234`` is 1.234, like ``1.234``: write ``1234`` or ``1 234`` for a thousand and more);
    - the same one more than once, or spaces (also no-break spaces): thousands, in groups of
      three digits (``1.234.567``, ``1 234 567,8``);
    - with ``percent`` (a question whose unit is ``%``) a trailing ``%`` is allowed: ``40%``
      is 40.
    """
    t = str(text).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if percent and t.endswith("%"):
        t = t[:-1].rstrip()
    sign = ""
    if t[:1] in ("+", "-"):
        sign, t = t[0], t[1:]
    if _SCIENTIFIC.fullmatch(t):
        return float(sign + t)
    if len(t) > 100 or not _NUMBER_TEXT.fullmatch(t) or not any(c.isdigit() for c in t):
        return None
    dots, commas = t.count("."), t.count(",")
    decimal = None
    if dots and commas:
        decimal = "." if t.rfind(".") > t.rfind(",") else ","
        if t.count(decimal) > 1:
            return None
    elif dots == 1 or commas == 1:
        decimal = "." if dots else ","
    whole, frac = t.split(decimal) if decimal else (t, "")
    if decimal and not frac.isdigit():
        return None
    if not whole.isdigit():
        if whole and not _GROUPED.fullmatch(whole):
            return None
        whole = re.sub(r"[ .,]", "", whole)
    return float(f"{sign}{whole or '0'}.{frac or '0'}")


def is_percent(q: Question) -> bool:
    """A numeric question whose unit is ``%``: its answers may be written ``40%``."""
    return q.unit is not None and q.unit.get("en", "").strip() == "%"


# --- did you mean -------------------------------------------------------------------------


def closest(word: str, valid: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The valid name ``word`` most likely misspells, or None (long words are never
    compared: difflib would take seconds on a 5 MB value)."""
    if len(word) > 100:
        return None
    near = difflib.get_close_matches(word, list(valid), n=1, cutoff=cutoff)
    return near[0] if near else None


def did_you_mean(word: str, valid: Iterable[str], lang: str = "en") -> str:
    """`` (did you mean 'x'?)`` for the closest valid name, else empty."""
    near = closest(str(word), valid)
    return tr(lang, " (did you mean {near!r}?)", near=near) if near else ""


def listed(valid: list[str], limit: int = 12) -> str:
    text = ", ".join(valid[:limit])
    return text + (f", … ({len(valid)})" if len(valid) > limit else "")


# --- what is wrong ------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """Why a raw value was refused: ``kind`` and the offending ``value`` (worded by
    :func:`message`)."""

    kind: str  # see message()
    value: Any = None


class _Shown:
    """A bad value in a message: its ``repr`` cut to 80 characters (``errors.shown``)."""

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return shown(self.value)

    __str__ = __repr__


class _Label(str):
    """An option's label in a message: in typographic quotes (“Don't know”)."""

    def __repr__(self) -> str:
        return f"\u201c{self}\u201d"


def _specials(q: Question) -> list[str]:
    return [k for k, on in ((DONT_KNOW, q.dont_know), (NOT_APPLICABLE, q.not_applicable)) if on]


def message(inst: Instrument, q: Question, bad: Invalid, lang: str = "en", *,
            labels: bool = False) -> str:
    """What is wrong and what is valid, in ``lang``; with ``labels`` options are named by the
    label a respondent sees (web forms), else by the key a file or the API uses."""
    keys = inst.index.option_keys(q.id) if q.type in ("single", "multi") else []
    specials = _specials(q)

    def name(key: str) -> Any:
        if not labels:
            return key
        if key in _SPECIAL:
            return _Label(inst.text(inst.special_labels[key], lang))  # type: ignore[index]
        return _Label(inst.option_labels(q.id, lang)[key])

    valid = listed([name(k) for k in keys + specials])
    value = _Shown(bad.value)
    kind = bad.kind
    if kind == "not-option":
        if labels:
            return tr(lang, "{value!r} is not one of the answers; valid: {valid}", value=value,
                      valid=valid)
        if q.type == "multi":
            valid += tr(lang, " (several separated by {sep!r})", sep=MULTI_SEPARATOR)
        return tr(lang, "{value!r} is not an option of {qid!r}{close}; valid: {valid}",
                  value=value, qid=q.id, close=did_you_mean(str(bad.value), keys, lang),
                  valid=valid)
    if kind == "excludes":
        return tr(lang, "{key!r} excludes every other option", key=name(bad.value))
    if kind == "twice":
        return tr(lang, "{key!r} is listed twice", key=name(bad.value))
    if kind == "expected-key":
        return tr(lang, "expected one option key, got {value!r}; valid: {valid}", value=value,
                  valid=valid)
    if kind == "expected-list":
        return tr(lang, "expected a list of option keys, got {value!r}; valid: {valid}",
                  value=value, valid=listed([name(k) for k in keys]))
    if kind not in ("out-of-range", "expected-number"):
        return text_message(bad, q.text_limit).text(lang)
    low, high = number(lang, q.min, None), number(lang, q.max, None)  # type: ignore[arg-type]
    if kind == "out-of-range":  # as the language writes it; a huge one as programs do (1e+300)
        value = number(lang, bad.value, None) if abs(bad.value) < 1e15 else f"{bad.value:g}"
        return tr(lang, "{value} is out of range; valid: a number from {low} to {high}",
                  value=value, low=low, high=high)
    if specials:
        return tr(lang, "expected a number, got {value!r}; valid: a number from {low} to "
                        "{high} or {specials}", value=value, low=low, high=high,
                  specials=" / ".join(name(k) for k in specials))
    return tr(lang, "expected a number, got {value!r}; valid: a number from {low} to {high}",
              value=value, low=low, high=high)


def text_message(bad: Invalid, limit: int) -> Message:
    """What is wrong with a text (``check_text_value``), translated when shown."""
    if bad.kind == "too-long":
        return Message("too long: {n} characters; valid: at most {limit}",
                       n=Count(bad.value), limit=Count(limit))
    if bad.kind == "surrogate":
        return Message("not valid text (a lone surrogate character); valid: Unicode text")
    if bad.kind == "control":
        return Message("holds a control character; valid: text without control characters")
    return Message("expected text, got {value!r}", value=_Shown(bad.value))


# --- checking one value -------------------------------------------------------------------


def check_text_value(value: Any, limit: int) -> str | Invalid:
    """A text answer: a string (or a whole number) of at most ``limit`` characters, valid
    Unicode without control characters other than tab and newline."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10 ** 100:
        value = str(value)
    if not isinstance(value, str):
        return Invalid("expected-text", value)
    if len(value) > limit:
        return Invalid("too-long", len(value))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return Invalid("surrogate")
    if any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in value):
        return Invalid("control")
    return value


def _number(q: Question, raw: Any) -> float | Invalid:
    if isinstance(raw, str):
        number = parse_number(raw, percent=is_percent(q))
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            number = float(raw)
        except OverflowError:  # an integer too large for a float
            number = None
    else:
        number = None
    if number is None or not math.isfinite(number):
        return Invalid("expected-number", raw)
    if not q.min <= number <= q.max:  # type: ignore[operator]
        return Invalid("out-of-range", number)
    return number


def check(inst: Instrument, q: Question, raw: Any) -> tuple[int, Any] | Invalid:
    """A raw answer to ``q`` as ``(status, value)`` (see the module docstring), or why not.
    For a text question the value is the text."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or (
            isinstance(raw, list) and not raw):
        return MISSING, 0
    if isinstance(raw, str):
        raw = raw.strip()
        if raw in _SPECIAL and raw in _specials(q):
            return _SPECIAL[raw], 0
    if q.type == "text":
        text = check_text_value(raw, q.text_limit)
        return text if isinstance(text, Invalid) else (ANSWERED, text)
    if q.type == "numeric":
        if isinstance(raw, list):  # a form's number field and its special boxes together
            if len(raw) == 1:
                return check(inst, q, raw[0])
            special = [v for v in raw if v in _specials(q)]
            if special:
                return Invalid("excludes", special[0])
        number = _number(q, raw)
        return number if isinstance(number, Invalid) else (ANSWERED, number)
    position = _positions(inst, q)
    if q.type == "single":
        if not isinstance(raw, str):
            return Invalid("expected-key", raw)
        return (ANSWERED, position[raw]) if raw in position else Invalid("not-option", raw)
    return _check_multi(inst, q, raw, position)


def _positions(inst: Instrument, q: Question) -> dict[str, int]:
    """Option key → its index (its bit in a multi-select's mask), kept on the index."""
    return inst.index.kept("_key_positions", q.id, lambda: {
        k: i for i, k in enumerate(inst.index.option_keys(q.id))})


def _check_multi(inst: Instrument, q: Question, raw: Any, position: dict[str, int]
                 ) -> tuple[int, Any] | Invalid:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        return Invalid("expected-list", raw)
    parts = [p.strip() for v in raw for p in v.split(MULTI_SEPARATOR)]
    parts = [p for p in parts if p]
    if not parts:
        return MISSING, 0
    specials = _specials(q)
    if len(parts) == 1 and parts[0] in specials:
        return _SPECIAL[parts[0]], 0
    given = [p for p in parts if p in specials]
    if given:
        return Invalid("excludes", given[0])
    wrong = [p for p in parts if p not in position]
    if wrong:
        return Invalid("not-option", wrong[0])
    if len(set(parts)) != len(parts):
        return Invalid("twice", next(p for i, p in enumerate(parts) if p in parts[:i]))
    exclusive = [o.key for o in inst.index.options[q.id] if o.exclusive and o.key in parts]
    if exclusive and len(parts) > 1:
        return Invalid("excludes", exclusive[0])
    return ANSWERED, sum(1 << position[p] for p in parts)


def decode(inst: Instrument, q: Question, status: int, value: Any) -> Value | None:
    """An encoded answer back in the answers-file form (None when unanswered)."""
    if status == MISSING:
        return None
    if status in (DK, NA):
        return DONT_KNOW if status == DK else NOT_APPLICABLE
    if q.type in ("numeric", "text"):
        return float(value) if q.type == "numeric" else value
    keys = inst.index.option_keys(q.id)
    if q.type == "single":
        return keys[int(value)]
    return [k for i, k in enumerate(keys) if int(value) >> i & 1]


def check_value(inst: Instrument, qid: str, value: Any, lang: str = "en", *,
                labels: bool = False) -> tuple[Value | None, str | None]:
    """One answer in its normal form (an option key, a list of keys in option order, a
    number, a special key or a text; None when empty), or None and what is wrong."""
    q = inst.index.questions[qid]
    got = check(inst, q, value)
    if isinstance(got, Invalid):
        return None, message(inst, q, got, lang, labels=labels)
    return decode(inst, q, *got), None


def check_text(value: Any, limit: int, lang: str = "en") -> tuple[str | None, str | None]:
    """A free text (e.g. the organization's name) of at most ``limit`` characters."""
    got = check_text_value(value, limit)
    return (None, text_message(got, limit).text(lang)) if isinstance(got, Invalid) \
        else (got, None)


def encode_answer(inst: Instrument, q: Question, value: Value | None) -> tuple[int, Any]:
    """An answer in the normal form of :func:`check_value` (``Responses.answers``, or a
    combination of options the what-if tries) as ``(status, value)``, unchecked."""
    if value is None:
        return MISSING, 0
    if isinstance(value, str) and value in _SPECIAL:
        return _SPECIAL[value], 0
    if q.type == "single":
        return ANSWERED, _positions(inst, q)[value]  # type: ignore[index]
    if q.type == "multi":
        position = _positions(inst, q)
        return ANSWERED, sum(1 << position[k] for k in set(value))
    return ANSWERED, value


# --- columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellProblem:
    """One distinct bad value of a column and the 0-based rows that hold it."""

    rows: np.ndarray
    value: Any
    bad: Invalid


def distinct(values: Any) -> tuple[np.ndarray, list]:
    """(codes, distinct values in order of first appearance); code -1 for a missing cell
    (None, NaN). A pyarrow or pandas column is coded by its library; a numpy array or a list
    (the demo panel, the web's benchmark) without loading either."""
    if hasattr(values, "dictionary_encode"):  # pyarrow Array / ChunkedArray
        import pyarrow as pa

        if not pa.types.is_dictionary(values.type):
            values = values.dictionary_encode()
        if isinstance(values, pa.ChunkedArray):  # one dictionary for every chunk
            values = values.combine_chunks()
        codes = values.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return codes.astype(np.int64, copy=False), values.dictionary.to_pylist()
    if not hasattr(values, "factorize"):  # not pandas
        seen: dict = {}
        codes = np.fromiter((-1 if v is None or v != v else seen.setdefault(v, len(seen))
                             for v in values), dtype=np.int64, count=len(values))
        return codes, list(seen)
    import pandas as pd

    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return codes, list(uniques)


def encode_column(inst: Instrument, q: Question, values: Any,
                  known: dict[str, dict] | None = None) -> tuple[Column, list[CellProblem]]:
    """A column of cells (``str | None``) of question ``q``, encoded; each distinct value is
    checked once (once in all with ``known``: the values checked in earlier chunks of the
    table, by question id; not for free text, whose distinct values may be a million). Bad
    cells are encoded as unanswered and listed in the problems."""
    codes, uniques = distinct(values)
    m = len(uniques)
    status = np.full(m + 1, MISSING, dtype=np.int8)  # the last entry: empty cells (code -1)
    value = np.zeros(m + 1, dtype=np.float64 if q.type == "numeric" else np.int64)
    bad: list[tuple[int, Any, Invalid]] = []
    known = {} if known is None or q.type == "text" else known.setdefault(q.id, {})
    for i, cell in enumerate(uniques):
        got = known.get(cell)
        if got is None:
            got = known[cell] = check(inst, q, cell if cell is None or isinstance(cell, str)
                                      else str(cell))
        if isinstance(got, Invalid):
            bad.append((i, cell, got))
        else:
            status[i] = got[0]
            if q.type != "text":
                value[i] = got[1]
    return Column(status[codes], value[codes]), _problems(codes, m, bad)


def _problems(codes: np.ndarray, m: int, bad: list[tuple[int, Any, Invalid]]
              ) -> list[CellProblem]:
    """The rows of each bad distinct value, found in one pass over the column."""
    if not bad:
        return []
    flag = np.zeros(m + 1, dtype=bool)
    flag[[i for i, _, _ in bad]] = True
    rows = np.flatnonzero(flag[codes])
    rows = rows[np.argsort(codes[rows], kind="stable")]
    starts = np.searchsorted(codes[rows], [i for i, _, _ in bad] + [m])
    return [CellProblem(rows[starts[k]:starts[k + 1]], cell, why)
            for k, (_, cell, why) in enumerate(bad)]


def add_problems(problems: dict[int, list[tuple[str, str]]], inst: Instrument, q: Question,
                 bad: list[CellProblem], lang: str) -> None:
    """Add the message of each bad value of ``q`` to its rows (0-based) in ``problems``."""
    for p in bad:
        text = message(inst, q, p.bad, lang)
        for row in p.rows.tolist():
            problems.setdefault(row, []).append((q.id, text))


def encode_frame(inst: Instrument, frame: Mapping[str, Any], n: int,
                 questions: list[Question], progress: Callable[[int], None] | None = None,
                 lang: str = "en", known: dict[str, dict] | None = None
                 ) -> tuple[Encoded, dict[int, list[tuple[str, str]]]]:
    """Every question column of a table (a DataFrame or a mapping of column → values) encoded
    (a question without a column is unanswered); the problems are (column, what is wrong in
    ``lang``) keyed by 0-based data row. ``known``: the values checked in earlier chunks of the
    table, by question id (:func:`encode_column`), filled in."""
    columns: dict[str, Column] = {}
    problems: dict[int, list[tuple[str, str]]] = {}
    for q in questions:
        if q.id not in frame:
            columns[q.id] = Column(np.full(n, MISSING, dtype=np.int8),
                                   np.zeros(n, dtype=np.float64 if q.type == "numeric"
                                            else np.int64))
            continue
        columns[q.id], bad = encode_column(inst, q, frame[q.id], known)
        add_problems(problems, inst, q, bad, lang)
        if progress:
            progress(1)
    return Encoded(n, columns), problems
