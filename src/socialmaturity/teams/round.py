"""A round: the completed respondents of one organization, each with their department, and
the organization's answers by the roll-up rule.

**The organization's answers** are every respondent's answers combined per question by the
roll-up rule of :mod:`socialmaturity.scoring.rollup` (:func:`~.rollup.combine`, then
:func:`~.rollup.decode`): a single choice is the lower median of the real answers ordered by
points, a multi-select keeps each option at least half of them chose, a number is the lower
median; "don't know" defers to colleagues who know. The combined answers are scored like any
respondent's, so stage, percentile, recommendations and what-if effects are the normal ones.

**Departments** are the options of the instrument's ``department`` profile question; every
answers file of a round names one. The fields of the instrument's peer group (sector, size,
region) describe the organization and must be the same in every file of a round.

A round comes from answers files (:func:`load_round`), from respondents already checked
(:func:`make_round`) or from answers kept in the database (:func:`stored_round`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import AnswersError, InputFileError, Problem
from ..i18n.catalog import tr
from ..instrument.model import Instrument
from ..instrument.positions import load_with_positions
from ..scoring.answers import Responses, validate_responses
from ..scoring.encode import Encoded
from ..scoring.rollup import combine, decode, encode_answers

#: The profile question whose options are the departments.
DEPARTMENT = "department"
#: Profile fields, besides the peer group's, that name the organization: equal when given.
ORGANIZATION_FIELDS = ("organization", "country")
#: The suffixes of answers files found in a folder.
SUFFIXES = (".yaml", ".yml", ".json")


def department_keys(inst: Instrument) -> list[str]:
    """The department option keys, in the instrument's order."""
    if DEPARTMENT not in inst.index.questions or inst.index.section[DEPARTMENT] != "profile":
        raise AnswersError(Problem(inst.id, "the instrument has no {field!r} profile question, "
                                            "so it cannot hold a team assessment",
                                   field=DEPARTMENT))
    return inst.index.option_keys(DEPARTMENT)


@dataclass(frozen=True)
class Respondent:
    """One completed respondent: where the answers came from, the department, the answers."""

    source: str
    department: str
    responses: Responses


@dataclass(frozen=True)
class Round:
    """The completed respondents of one organization in one round (at least one)."""

    inst: Instrument
    respondents: tuple[Respondent, ...]
    #: the organization's profile: the peer-group fields, and its name where the files agree
    profile: dict[str, str] = field(default_factory=dict)
    label: str | None = None

    @property
    def n(self) -> int:
        return len(self.respondents)

    @cached_property
    def encoded(self) -> Encoded:
        """Every respondent's answers encoded for the batch path, one row each."""
        return encode_answers(self.inst, [r.responses.answers for r in self.respondents])

    @cached_property
    def organization(self) -> Responses:
        """The organization's answers: everyone's combined by the roll-up rule."""
        return _rolled_up(self.inst, self.encoded, self.profile)


def _rolled_up(inst: Instrument, enc: Encoded, profile: dict[str, str]) -> Responses:
    combined = combine(inst, enc, np.zeros(enc.n, dtype=np.int64), 1)
    return Responses(dict(profile), decode(inst, combined, 0))


def roll_up(inst: Instrument, responses: Sequence[Responses],
            profile: dict[str, str] | None = None) -> Responses:
    """Several respondents' answers as one organization's, by the roll-up rule."""
    return _rolled_up(inst, encode_answers(inst, [r.answers for r in responses]),
                      profile or {})


def make_round(inst: Instrument, respondents: Sequence[Respondent],
               label: str | None = None, lang: str = "en") -> Round:
    """A round of ``respondents``; ``AnswersError`` when there is none, a department is not
    one of the instrument's, or the organization's profile fields differ between them."""
    keys = department_keys(inst)
    problems = [Problem(r.source, tr(lang, "{department!r} is not a department; valid: "
                                          "{valid}", department=r.department,
                                     valid=", ".join(keys)))
                for r in respondents if r.department not in keys]
    if not respondents:
        problems.append(Problem("", tr(lang, "a round needs at least one answers file")))
    profile, more = _organization_profile(inst, respondents, {}, lang)
    if problems or more:
        raise AnswersError(problems + more)
    return Round(inst, tuple(respondents), profile, label)


def stored_round(inst: Instrument, stored: Sequence[tuple[str, str, Mapping[str, Any]]],
                 label: str | None = None, lang: str = "en", *, checked: bool = False
                 ) -> Round:
    """A round from answers kept in a database: (source, department, question id → value)
    per completed respondent; answers to questions the instrument no longer asks are left
    out. Each respondent's answers are checked as an answers file's are
    (:func:`~socialmaturity.scoring.answers.validate_responses`), unless ``checked``: they
    were checked against this very instrument (the same content hash) when they were saved,
    and are taken as they are. Then as :func:`make_round`."""
    section = inst.index.section
    problems: list[Problem] = []
    respondents: list[Respondent] = []
    for source, department, values in stored:
        data: dict[str, dict[str, Any]] = {"profile": {}, "answers": {}}
        for qid, value in values.items():
            if qid in section:
                data["profile" if section[qid] == "profile" else "answers"][qid] = value
        try:
            responses = Responses(data["profile"], data["answers"]) if checked \
                else validate_responses(inst, data, require_profile=False, lang=lang)
        except AnswersError as exc:
            problems += [Problem(source, p.text(lang)) for p in exc.problems]
            continue
        respondents.append(Respondent(source, department, responses))
    if problems:
        raise AnswersError(problems)
    return make_round(inst, respondents, label, lang)


def _organization_profile(inst: Instrument, respondents: Sequence[Respondent],
                          where: dict[tuple[str, str], str], lang: str
                          ) -> tuple[dict[str, str], list[Problem]]:
    """The profile every respondent shares, and a problem per field whose values differ
    (``where``: (source, field) → file:line:col, where known)."""
    profile: dict[str, str] = {}
    problems: list[Problem] = []
    for name in [*inst.benchmark.peer_group, *ORGANIZATION_FIELDS]:
        if name not in inst.index.questions:
            continue
        given: dict[str, list[str]] = {}
        for r in respondents:
            value = r.responses.profile.get(name)
            if value is not None:
                given.setdefault(str(value), []).append(where.get((r.source, name), r.source))
        if len(given) == 1:
            profile[name] = next(iter(given))
        elif len(given) > 1:
            values = list(given)
            first = given[min(values, key=lambda v: len(given[v]))][0]  # the odd one out
            listed = "; ".join(tr(lang, "{value!r} in {files}", value=v,
                                  files=", ".join(given[v])) for v in values)
            problems.append(Problem(first, tr(
                lang, "profile.{field} differs between the answers files of the round: {listed}. "
                      "The files of a round describe one organization: give every file the "
                      "same {field}", field=name, listed=listed)))
    return profile, problems


def answers_files(paths: Sequence[str | Path], lang: str = "en") -> list[Path]:
    """The answers files named: each file itself, each folder's ``.yaml``, ``.yml`` and
    ``.json`` files (not its subfolders), in name order; a file named twice counts once."""
    found: list[Path] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if p.is_dir():
            inside = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in SUFFIXES)
            if not inside:
                problems.append(Problem(str(p), tr(lang, "the folder holds no answers files "
                                                         "(.yaml, .yml or .json)")))
            found += inside
        elif not p.exists():
            problems.append(Problem(str(p), tr(lang, "no such file or folder")))
        else:
            found.append(p)
    if problems:
        raise InputFileError(problems)
    unique: dict[Path, Path] = {}
    for f in found:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_round(inst: Instrument, paths: Sequence[str | Path], label: str | None = None,
               lang: str = "en") -> Round:
    """Read a round from answers files (or folders of them, see :func:`answers_files`).

    Every problem of every file is reported at once (``AnswersError``), each with its
    file:line:col: answers that do not fit the instrument, a file without
    ``profile.department``, organization fields (sector, size, region, name) that differ."""
    keys = department_keys(inst)
    files = answers_files(paths, lang)
    problems: list[Problem] = []
    respondents: list[Respondent] = []
    where: dict[tuple[str, str], str] = {}
    for f in files:
        try:
            data, pos = load_with_positions(f)
            responses = validate_responses(inst, data, pos, lang=lang)
        except (AnswersError, InputFileError) as exc:
            problems += exc.problems
            continue
        department = responses.profile.get(DEPARTMENT)
        if department is None:
            problems.append(Problem(pos.where(("profile",)), tr(
                lang, "profile.department is missing: every answers file of a team round names "
                      "the respondent's department; valid: {valid}", valid=", ".join(keys))))
            continue
        for name in responses.profile:
            where[str(f), name] = pos.where(("profile", name))
        respondents.append(Respondent(str(f), str(department), responses))
    profile, more = _organization_profile(inst, respondents, where, lang)
    problems += more
    if problems:
        raise AnswersError(problems)
    return Round(inst, tuple(respondents), profile, label)
