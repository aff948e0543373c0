"""Planning an import: which column of an export becomes which question, metadata or kept
column (the rules: :mod:`.importing`), and which are dropped (and why); conflicts between them
are problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import Counted, Message, Problem
from ..instrument.model import Instrument
from ..research.mapping import METADATA_TARGETS, Mapping, Target
from ..research.matching import QuestionTexts
from .exports import RawExport, SourceColumn


@dataclass
class Plan:
    targets: dict[str, Target] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def plan_columns(raw: RawExport, mapping: Mapping, inst: Instrument) -> Plan:
    plan = Plan()
    texts = QuestionTexts(inst)
    idx = inst.index
    present = {c.name for c in raw.columns}
    unmapped: list[SourceColumn] = []
    kept: list[str] = []
    system = f"{raw.layout} system column"
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
                plan.dropped[name] = system
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
            plan.dropped[name] = system
    meta = {t.name: c for c, t in plan.targets.items() if t.kind == "metadata"}
    if "started_at" in meta and "duration_seconds" in meta:  # only needed for a duration
        del plan.targets[meta["started_at"]]
        plan.dropped[meta["started_at"]] = system
    missing = [c for c in (*mapping.columns, *mapping.ignore) if c not in present]
    if missing:
        plan.warnings.append(Counted("the mapping names {n} column the export does not have: "
                                     "{columns}", "the mapping names {n} columns the export "
                                     "does not have: {columns}", len(missing),
                                     columns=short_list(missing)))
    if kept:
        plan.warnings.append(Counted("{n} column that is no question id passed through "
                                     "unchanged: {columns}", "{n} columns that are no question "
                                     "id passed through unchanged: {columns}", len(kept),
                                     columns=short_list(kept)))
    for kind, what in (("Qualtrics embedded data", Message("Qualtrics embedded data")),
                       ("free text of an 'Other' choice",
                        Message("free text of an 'Other' choice"))):
        cols = [c for c, r in plan.dropped.items() if r == kind]
        if cols:
            plan.warnings.append(Counted("dropped {n} column of {kind} (map it to keep it): "
                                         "{columns}", "dropped {n} columns of {kind} (map them "
                                         "to keep them): {columns}", len(cols), kind=what,
                                         columns=short_list(cols)))
    for col in unmapped:
        hint = col.label() or col.name
        near = _close_id(col.name, idx.questions)
        plan.problems.append(Problem(
            raw.at(col.name), "{problem}map it under columns: or ignore: in the mapping "
                              "(`research mapping suggest` proposes one)",
            problem=Message("looks like question id {near!r} but is not one; ", near=near) if near
            else Message("not mapped to a question ({label!r}); ", label=hint[:70])
            if hint != col.name else Message("not mapped to a question; ")))
    _conflicts(raw, plan, inst)
    return plan


def _close_id(name: str, ids: Iterable[str]) -> str | None:
    from ..scoring.encode import closest

    return closest(name.strip().lower().replace("_", "-"), ids, cutoff=0.85)


def short_list(items: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f", … ({len(items)} in all)" if len(items) > limit else "")


def _conflicts(raw: RawExport, plan: Plan, inst: Instrument) -> None:
    by: dict[tuple[str, str, str | None], list[str]] = {}
    for column, target in plan.targets.items():
        kind = "question" if target.kind == "choice" else target.kind
        slot = (kind, target.name, target.option if target.kind == "choice" else None)
        by.setdefault(slot, []).append(column)
    for (kind, name, option), columns in by.items():
        if len(columns) > 1:
            what = Message("option {option!r} of {name!r}", option=option, name=name) \
                if option else Message("question {name!r}", name=name) if kind == "question" \
                else Message("metadata {name!r}", name=name)
            plan.problems.append(Problem(raw.at(columns[1]), "columns {columns} all map to "
                                         "{what}: map one, ignore the others",
                                         columns=short_list(columns), what=what))
    whole = {n for (k, n, o) in by if k == "question" and o is None}
    for (kind, name, option) in by:
        if option is not None and name in whole:
            plan.problems.append(Problem(raw.at(by[(kind, name, option)][0]),
                                         "question {name!r} has both a column of its own and "
                                         "one column per choice: map one of the two", name=name))
            break
    names = set(inst.index.questions) | set(METADATA_TARGETS)
    for column, target in plan.targets.items():
        if target.kind == "keep" and target.name in names:
            plan.problems.append(Problem(raw.at(column), "cannot keep it as {name!r}: that is "
                                         "a question or metadata name", name=target.name))


__all__ = ["Plan", "plan_columns", "short_list"]
