"""Import survey exports into the tidy table every research step uses: :func:`read_export`
reads an export (:func:`.exports.read_raw`) and applies a mapping to it.

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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Counted, Message, Problem
from ..instrument.model import Instrument
from ..research.mapping import Mapping, MappingError, load_mapping, mapping_problems
from .converting import Converter, metadata_numbers, metadata_times
from .exports import RawExport, Recode, SurveyImportError, _stripped, read_raw
from .planning import Plan, plan_columns, short_list

#: Problems listed in an error (the total is counted).
MAX_LISTED = 20


@dataclass
class ImportResult:
    """What :func:`read_export` made of an export."""

    frame: pd.DataFrame
    layout: str
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

    Raises
    ------
    SurveyImportError
        Unreadable file, wrong layout, no responses, unmapped question columns, labels that
        fit no option, numbers out of range, unreadable timestamps (the first 20 problems,
        with the total).
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
    if not len(raw.data):  # a plain header row alike: every later step needs respondents
        raise SurveyImportError(Problem(str(path), Message(
            "the export has no responses, only its header ({layout} layout): nothing to "
            "import", layout=raw.layout)))
    plan = plan_columns(raw, mapping, inst)
    _raise(plan.problems)
    converter = Converter(raw, inst, mapping, plan)
    converter.run(None if raw.reported else progress)
    problems = converter.problems()
    recodes = raw.recodes + converter.recodes()
    warnings = raw.warnings + plan.warnings
    meta = {t.name: c for c, t in plan.targets.items() if t.kind == "metadata"}
    columns = _id_columns(raw, meta, problems, warnings)
    columns.update(_question_columns(raw, inst, converter, plan, warnings))
    first = dayfirst if dayfirst is not None else mapping.dayfirst
    columns.update(_metadata_columns(raw, meta, mapping, first, recodes, warnings, problems))
    _raise(problems)
    return ImportResult(
        _tidy_frame(columns, inst), raw.layout, recodes, list(plan.dropped), warnings,
        {c: t.describe() for c, t in plan.targets.items()}, raw.file_format, raw.encoding)


def _id_columns(raw: RawExport, meta: dict[str, str], problems: list[Problem],
                warnings: list[str]) -> dict[str, Any]:
    """respondent_id (the export's, else the data row number) and organization_id."""
    n = len(raw.data)
    columns: dict[str, Any] = {}
    if "respondent_id" in meta:
        ids = _stripped(raw.data[meta["respondent_id"]])
        empty = np.flatnonzero(pd.isna(ids))
        if len(empty):
            problems.append(Problem(raw.where(int(empty[0]), meta["respondent_id"]),
                                    Counted("empty respondent id ({n} row); every row needs "
                                            "one", "empty respondent id ({n} rows); every row "
                                            "needs one", len(empty))))
        columns["respondent_id"] = ids
    else:
        width = max(5, len(str(n)))
        columns["respondent_id"] = np.array([f"row-{i + 1:0{width}d}" for i in range(n)],
                                            dtype=object)
        warnings.append(Message("no respondent id column: respondent_id is the data row "
                                "number (row-00001, …)"))
    if "organization_id" in meta:
        columns["organization_id"] = _stripped(raw.data[meta["organization_id"]])
    return columns


def _question_columns(raw: RawExport, inst: Instrument, converter: Converter, plan: Plan,
                      warnings: list[str]) -> dict[str, Any]:
    """Every profile, scored and outcome question (empty where the export lacks it), then the
    kept columns."""
    n = len(raw.data)
    columns: dict[str, Any] = {}
    absent = []
    for q in [*inst.profile, *inst.scored_questions, *inst.outcomes]:
        if q.id in converter.out:
            columns[q.id] = converter.out[q.id]
        else:
            columns[q.id] = np.full(n, np.nan, dtype=object)
            absent.append(q.id)
    if absent:
        warnings.append(Counted("{n} question has no column in the export (unanswered): "
                                "{questions}", "{n} questions have no column in the export "
                                "(unanswered): {questions}", len(absent),
                                questions=short_list(absent)))
    for column, target in plan.targets.items():
        if target.kind == "keep":
            columns[target.name] = _stripped(raw.data[column])
    return columns


def _metadata_columns(raw: RawExport, meta: dict[str, str], mapping: Mapping, dayfirst: bool | None,
                      recodes: list[Recode], warnings: list[str],
                      problems: list[Problem]) -> dict[str, Any]:
    """duration_seconds (read, else from the two timestamps), progress and submitted_at."""
    columns: dict[str, Any] = {}
    if "duration_seconds" in meta:
        columns["duration_seconds"] = metadata_numbers(raw, meta["duration_seconds"],
                                                        "duration in seconds", 0, None, recodes,
                                                        problems)
    if "progress" in meta:
        columns["progress"] = metadata_numbers(raw, meta["progress"], "progress", 0, 100,
                                                recodes, problems)
    times = {name: metadata_times(raw, meta[name], mapping, dayfirst, warnings, problems)
             for name in ("started_at", "submitted_at") if name in meta}
    if "duration_seconds" not in meta and len(times) == 2:
        columns["duration_seconds"] = (times["submitted_at"] - times["started_at"]) \
            .dt.total_seconds().to_numpy()
        warnings.append(Message("duration_seconds computed from {started!r} and "
                                "{submitted!r}", started=meta["started_at"],
                                submitted=meta["submitted_at"]))
    if "submitted_at" in times:
        columns["submitted_at"] = times["submitted_at"]
    return columns


def _tidy_frame(columns: dict[str, Any], inst: Instrument) -> pd.DataFrame:
    """The columns as the tidy table, with its dtypes."""
    frame = pd.DataFrame({k: (pd.Series(v, dtype=object) if k in inst.index.questions
                              or k in ("respondent_id", "organization_id") else v)
                          for k, v in columns.items()})
    if "submitted_at" in frame:
        frame["submitted_at"] = frame["submitted_at"].astype("datetime64[ns, UTC]")
    for name in ("duration_seconds", "progress"):
        if name in frame:
            frame[name] = frame[name].astype("float64")
    return frame


__all__ = ["ImportResult", "Recode", "SurveyImportError", "read_export"]
