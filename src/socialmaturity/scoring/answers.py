"""Answers of one respondent, checked against an instrument.

An answers document has ``profile:`` (profile question id → option key or text) and
``answers:`` (question id → option key; a list of keys for a multi-select; a number for a
numeric question; ``dont-know`` or ``not-applicable`` where the question offers them). Each
value is checked by :func:`~socialmaturity.scoring.encode.check_value`, as a CSV cell or a web
form's is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AnswersError, Problem, shown
from ..i18n.catalog import ptr, tr
from ..instrument.model import Instrument
from ..instrument.positions import Positions, load_with_positions
from .encode import Value, check_value, did_you_mean, listed


@dataclass
class Responses:
    """A respondent's validated profile and answers (unanswered questions are absent)."""

    profile: dict[str, str] = field(default_factory=dict)
    answers: dict[str, Value] = field(default_factory=dict)


def checked_when_saved(inst: Instrument, instrument_hash: str | None) -> bool:
    """Whether answers saved under ``instrument_hash`` were checked against this very
    instrument (the same content hash) when they were saved, and can be taken as they are."""
    return instrument_hash == inst.content_hash


def validate_responses(inst: Instrument, data: Any, pos: Positions | None = None,
                       *, require_profile: bool = True, lang: str = "en") -> Responses:
    """Check an answers document against the instrument; raise ``AnswersError`` listing every
    problem, each with its place (file:line:col when ``pos`` is given, else the field path);
    what is wrong with a value is said in ``lang``."""
    idx = inst.index
    problems: list[Problem] = []

    def where(path: tuple, key: bool = False) -> str:
        return pos.where(path, key=key) if pos else ".".join(str(p) for p in path)

    def check(part: str, qid: str, value: Any, kept: dict) -> None:
        norm, err = check_value(inst, qid, value, lang) if value is not None else (None, None)
        if err:
            problems.append(Problem(where((part, qid)), "{part}.{qid}: {error}", part=part,
                                    qid=qid, error=err))
        elif norm is not None:
            kept[qid] = norm

    if not isinstance(data, dict):
        raise AnswersError(Problem(where(()), "expected a mapping with profile: and answers:"))
    for key in data:
        if key not in ("profile", "answers", "instrument"):
            problems.append(Problem(where((key,), True), "unknown key {key}; valid: "
                                                         "instrument, profile, answers",
                                    key=shown(key)))
    out = Responses()
    profile = data.get("profile") or {}
    answers = data.get("answers") or {}
    for name, part in (("profile", profile), ("answers", answers)):
        if not isinstance(part, dict):
            problems.append(Problem(where((name,)), "{name} must be a mapping of question id "
                                                    "to answer", name=name))
    if not isinstance(profile, dict) or not isinstance(answers, dict):
        raise AnswersError(problems)
    profile_ids = [q.id for q in inst.profile]
    for qid, value in profile.items():
        if qid not in profile_ids:
            problems.append(Problem(where(("profile", qid), True), "unknown profile field "
                                    "{field}{close}; valid: {valid}", field=shown(qid),
                                    close=did_you_mean(str(qid), profile_ids, lang),
                                    valid=listed(profile_ids)))
        else:
            check("profile", qid, value, out.profile)
    if require_profile:
        for q in inst.profile:
            if q.required and profile.get(q.id) is None:
                valid = listed(idx.option_keys(q.id)) if q.type == "single" \
                    else ptr(lang, "kind of answer", "text")
                problems.append(Problem(where(("profile",)), "missing required profile field "
                                                             "{field!r}; valid: {valid}",
                                        field=q.id, valid=valid))
    answer_ids = [qid for qid, sec in idx.section.items() if sec != "profile"]
    for qid, value in answers.items():
        if qid not in idx.questions or idx.section[qid] == "profile":
            hint = tr(lang, " (a profile field: put it under profile:)") \
                if qid in profile_ids else did_you_mean(str(qid), answer_ids, lang)
            problems.append(Problem(where(("answers", qid), True),
                                    "unknown question id {qid}{hint}; valid: a question id "
                                    "(`socialmaturity instrument show` lists them)",
                                    qid=shown(qid), hint=hint))
        else:
            check("answers", qid, value, out.answers)
    if problems:
        raise AnswersError(problems)
    return out


def load_responses(inst: Instrument, path: str | Path, *, require_profile: bool = True,
                   lang: str = "en") -> Responses:
    """Read and validate an answers file (YAML or JSON); a saved, unfinished interview may
    lack required profile fields (``require_profile=False``); messages in ``lang``."""
    data, pos = load_with_positions(path, AnswersError)
    return validate_responses(inst, data, pos, require_profile=require_profile, lang=lang)
