"""Timestamps as survey tools write them, read into UTC times (numbers:
:func:`socialmaturity.scoring.encode.parse_number`, the one number parser).

:func:`parse_timestamp` and :func:`parse_timestamps` read the date-and-time formats of
Qualtrics, SurveyMonkey, Google Forms and SPSS, day or month first (:func:`detect_dayfirst`
tells which from the data), in UTC. Used by :mod:`socialmaturity.intake.converting` for
numeric answers and the metadata columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = ["detect_dayfirst", "has_zone", "parse_timestamp", "parse_timestamps"]

_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
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
        tzinfo = UTC if tz == "UTC" else ZoneInfo(tz)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo).astimezone(UTC)
    except ValueError:
        return None


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

