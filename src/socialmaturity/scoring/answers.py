"""Answers of one respondent, checked against an instrument.

An answers document has ``profile:`` (profile question id → option key or text) and
``answers:`` (question id → option key; a list of keys for a multi-select; a number for a
numeric question; ``dont-know`` or ``not-applicable`` where the question offers them).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AnswersError, InputFileError, Problem, shown
from ..i18n.catalog import tr
from ..instrument.model import DONT_KNOW, NOT_APPLICABLE, Instrument
from ..instrument.positions import Positions, load_with_positions

#: An answer after validation: an option key, a list of keys, a number, or a special key.
Value = str | list[str] | float


@dataclass
class Responses:
    """A respondent's validated profile and answers (unanswered questions are absent)."""

    profile: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Value] = field(default_factory=dict)


def _close(word: str, valid: list[str], lang: str = "en") -> str:
    if len(word) > 100:  # no key is this long; difflib would take seconds on a 5 MB value
        return ""
    near = difflib.get_close_matches(word, valid, n=1)
    return tr(lang, " (did you mean {near!r}?)", near=near[0]) if near else ""


def _list(valid: list[str], limit: int = 12) -> str:
    shown = ", ".join(valid[:limit])
    return shown + (f", … ({len(valid)})" if len(valid) > limit else "")


def check_text(value: Any, limit: int, lang: str = "en") -> tuple[str | None, str | None]:
    """A text answer: a string (or a whole number) of at most ``limit`` characters, valid
    Unicode (no lone surrogates) without control characters other than tab and newline."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10 ** 100:
        value = str(value)
    if not isinstance(value, str):
        return None, tr(lang, "expected text, got {value!r}", value=_Shown(value))
    if len(value) > limit:
        return None, tr(lang, "too long: {n} characters; valid: at most {limit}",
                        n=f"{len(value):,}", limit=limit)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None, tr(lang, "not valid text (a lone surrogate character); valid: Unicode text")
    if any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in value):
        return None, tr(lang, "holds a control character; valid: text without control "
                              "characters")
    return value, None


class _Label(str):
    """An option's label in a message: shown in typographic quotes (“Don't know”), where a
    key shows as Python's repr ('dont-know')."""

    def __repr__(self) -> str:
        return f"\u201c{self}\u201d"


def option_label(inst: Instrument, qid: str, key: str, lang: str = "en") -> str:
    """What the respondent sees for option ``key`` of question ``qid`` (the key if unknown)."""
    for o in inst.index.options.get(qid, ()):
        if o.key == key:
            return inst.text(o.label, lang)
    if key in inst.special_labels:
        return inst.text(inst.special_labels[key], lang)
    return key


def check_value(inst: Instrument, qid: str, value: Any, lang: str = "en", *,
                labels: bool = False) -> tuple[Value | None, str | None]:
    """Normalize one answer; return (value, None) or (None, what is wrong and what is valid,
    in ``lang``). With ``labels`` the message names options by the label a respondent sees
    (web forms), else by the key a file or the API uses. A bad value is shown cut to 80
    characters."""
    idx = inst.index
    q = idx.questions[qid]
    keys = idx.option_keys(qid)
    specials = [k for k, on in ((DONT_KNOW, q.dont_know), (NOT_APPLICABLE, q.not_applicable)) if on]

    def named_one(key: str) -> str:
        return _Label(option_label(inst, qid, key, lang)) if labels else key

    def named(items: list[str]) -> list[str]:
        return [named_one(k) for k in items]

    def not_an_option(given: str) -> str:
        if labels:
            return tr(lang, "{value!r} is not one of the answers; valid: {valid}",
                      value=_Shown(given), valid=_list(named(keys + specials)))
        return tr(lang, "{value!r} is not an option of {qid!r}{close}; valid: {valid}",
                  value=_Shown(given), qid=qid, close=_close(given, keys, lang),
                  valid=_list(keys + specials))

    if isinstance(value, str) and value in specials:
        return value, None
    if q.type == "text":
        return check_text(value, q.text_limit, lang)
    if q.type == "numeric":
        low, high = f"{q.min:g}", f"{q.max:g}"
        if isinstance(value, list):  # a form's number field and its special boxes together
            given_specials = [v for v in value if v in specials]
            if given_specials and len(value) > 1:
                return None, tr(lang, "{key!r} excludes every other option",
                                key=named_one(given_specials[0]))
            if len(value) == 1:
                return check_value(inst, qid, value[0], lang, labels=labels)
        number = _finite(value)
        if number is None:
            if specials:
                return None, tr(lang, "expected a number, got {value!r}; valid: a number from "
                                      "{low} to {high} or {specials}", value=_Shown(value),
                                low=low, high=high, specials=" / ".join(named(specials)))
            return None, tr(lang, "expected a number, got {value!r}; valid: a number from {low} "
                                  "to {high}", value=_Shown(value), low=low, high=high)
        if not q.min <= number <= q.max:
            return None, tr(lang, "{value} is out of range; valid: a number from {low} to "
                                  "{high}", value=f"{number:g}", low=low, high=high)
        return number, None
    if q.type == "single":
        if not isinstance(value, str):
            return None, tr(lang, "expected one option key, got {value!r}; valid: {valid}",
                            value=_Shown(value), valid=_list(named(keys + specials)))
        if value not in keys:
            return None, not_an_option(value)
        return value, None
    # multi
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, tr(lang, "expected a list of option keys, got {value!r}; valid: {valid}",
                        value=_Shown(value), valid=_list(named(keys)))
    given_specials = [v for v in value if v in specials]
    if given_specials and len(value) > 1:  # "don't know" with a ticked option
        return None, tr(lang, "{key!r} excludes every other option",
                        key=named_one(given_specials[0]))
    wrong = [v for v in value if v not in keys]
    if wrong:
        return None, not_an_option(wrong[0])
    if len(set(value)) != len(value):
        return None, tr(lang, "an option is listed twice")
    exclusive = [o.key for o in idx.options[qid] if o.exclusive and o.key in value]
    if exclusive and len(value) > 1:
        return None, tr(lang, "{key!r} excludes every other option", key=named_one(exclusive[0]))
    ordered = [k for k in keys if k in value]
    return ordered, None


class _Shown:
    """A bad value in a message: its ``repr`` is cut to 80 characters (``errors.shown``)."""

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return shown(self.value)

    __str__ = __repr__


def _finite(value: Any) -> float | None:
    """A JSON/YAML number as a finite float; None for bools, text, NaN, infinities and
    integers too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def validate_responses(inst: Instrument, data: Any, pos: Positions | None = None,
                       *, require_profile: bool = True) -> Responses:
    """Check an answers document against the instrument; raise ``AnswersError`` listing every
    problem, each with its place (file:line:col when ``pos`` is given, else the field path)."""
    idx = inst.index
    problems: list[Problem] = []

    def where(path: tuple, key: bool = False) -> str:
        return pos.where(path, key=key) if pos else ".".join(str(p) for p in path)

    if not isinstance(data, dict):
        raise AnswersError(Problem(where(()), "expected a mapping with profile: and answers:"))
    for key in data:
        if key not in ("profile", "answers", "instrument"):
            problems.append(Problem(where((key,), True), f"unknown key {shown(key)}; valid: "
                                                         f"instrument, profile, answers"))
    out = Responses()
    profile = data.get("profile") or {}
    answers = data.get("answers") or {}
    for name, part in (("profile", profile), ("answers", answers)):
        if not isinstance(part, dict):
            problems.append(Problem(where((name,)), f"{name} must be a mapping of question id "
                                                    f"to answer"))
    if not isinstance(profile, dict) or not isinstance(answers, dict):
        raise AnswersError(problems)
    profile_ids = [q.id for q in inst.profile]
    for qid, value in profile.items():
        if qid not in profile_ids:
            problems.append(Problem(where(("profile", qid), True), f"unknown profile field "
                                    f"{shown(qid)}{_close(str(qid), profile_ids)}; valid: "
                                    f"{_list(profile_ids)}"))
            continue
        if value is None:
            continue
        norm, err = check_value(inst, qid, value)
        if err:
            problems.append(Problem(where(("profile", qid)), f"profile.{qid}: {err}"))
        else:
            out.profile[qid] = norm  # type: ignore[assignment]
    if require_profile:
        for q in inst.profile:
            if q.required and profile.get(q.id) is None:
                valid = _list(idx.option_keys(q.id)) if q.type == "single" else "text"
                problems.append(Problem(where(("profile",)), f"missing required profile field "
                                                             f"{q.id!r}; valid: {valid}"))
    answer_ids = [qid for qid, sec in idx.section.items() if sec != "profile"]
    for qid, value in answers.items():
        if qid not in idx.questions or idx.section[qid] == "profile":
            hint = " (a profile field: put it under profile:)" if qid in profile_ids else \
                _close(str(qid), answer_ids)
            problems.append(Problem(where(("answers", qid), True),
                                    f"unknown question id {shown(qid)}{hint}"))
            continue
        if value is None:
            continue
        norm, err = check_value(inst, qid, value)
        if err:
            problems.append(Problem(where(("answers", qid)), f"answers.{qid}: {err}"))
        else:
            out.answers[qid] = norm  # type: ignore[assignment]
    if problems:
        raise AnswersError(problems)
    return out


def load_responses(inst: Instrument, path: str | Path, *, require_profile: bool = True
                   ) -> Responses:
    """Read and validate an answers file (YAML or JSON); a saved, unfinished interview may
    lack required profile fields (``require_profile=False``)."""
    try:
        data, pos = load_with_positions(path)
    except InputFileError as exc:
        raise AnswersError(exc.problems) from None
    return validate_responses(inst, data, pos, require_profile=require_profile)
