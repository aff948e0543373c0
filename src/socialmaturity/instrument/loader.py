"""Load and validate instrument files, reporting every problem with file:line:column.

Structure is checked by the pydantic models (unknown keys, wrong types, missing fields); the
rest here: duplicate ids, missing translations, options without points, rules and
recommendations that name unknown ids, stage thresholds out of order. Whether each stage can be
reached by some answers is checked by :func:`socialmaturity.scoring.check_reachable`, which
needs the scoring engine.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputFileError, InstrumentError, Problem
from .model import RESERVED_KEYS, Instrument, Question
from .positions import Positions, load_with_positions, parse_with_positions

BUNDLED = {"social-maturity": "social-maturity.yaml"}
DEFAULT_INSTRUMENT = "social-maturity"


def _describe_pydantic(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if kind == "missing":
        return f"missing required key {err['loc'][-1]!r}"
    if kind == "literal_error":
        return f"{err['msg'].lower()}, got {err['input']!r}"
    if isinstance(err["input"], dict | list):
        return err["msg"]
    return f"{err['msg']} (got {err['input']!r})"


def _text_paths(value: Any, path: tuple) -> list[tuple[tuple, dict]]:
    """Every localized text in the raw data: a dict whose keys are all short locale codes."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("label", "text", "help", "name", "summary", "description", "title",
                       "action", "owner", "phrase", "unit", "finding") and isinstance(item, dict):
                found.append((path + (key,), item))
            elif key == "stage_descriptions" and isinstance(item, dict):
                found.extend((path + (key, k), v) for k, v in item.items() if isinstance(v, dict))
            elif key == "special_labels" and isinstance(item, dict):
                found.extend((path + (key, k), v) for k, v in item.items() if isinstance(v, dict))
            else:
                found.extend(_text_paths(item, path + (key,)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_text_paths(item, path + (i,)))
    return found


class _Checker:
    def __init__(self, inst: Instrument, raw: dict, pos: Positions):
        self.inst, self.raw, self.pos = inst, raw, pos
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.pos.where(path, key=key), message))

    def run(self) -> list[Problem]:
        self.ids()
        self.questions()
        self.stages()
        self.gates()
        self.dimensions()
        self.benchmark()
        return sorted(self.problems, key=lambda p: _sort_key(p.where))

    def _unique(self, items: list[tuple[tuple, str]], what: str) -> None:
        seen: dict[str, tuple] = {}
        for path, ident in items:
            if ident in seen:
                first = self.pos.where(seen[ident])
                self.add(path, f"duplicate {what} {ident!r} (first at {first}): ids must be unique")
            else:
                seen[ident] = path

    def _sections(self) -> list[tuple[tuple, list[Question]]]:
        return (
            [(("profile",), self.inst.profile)]
            + [(("dimensions", i, "questions"), d.questions)
               for i, d in enumerate(self.inst.dimensions)]
            + [(("outcomes",), self.inst.outcomes)]
        )

    def ids(self) -> None:
        i = self.inst
        self._unique([(("answer_sets", n, "id"), s.id) for n, s in enumerate(i.answer_sets)],
                     "answer set id")
        self._unique([(("dimensions", n, "id"), d.id) for n, d in enumerate(i.dimensions)],
                     "dimension id")
        self._unique([(("stages", n, "key"), s.key) for n, s in enumerate(i.stages)], "stage key")
        self._unique([(("rules", "gates", n, "id"), g.id) for n, g in enumerate(i.rules.gates)],
                     "gate id")
        self._unique(
            [(base + (n, "id"), q.id) for base, qs in self._sections() for n, q in enumerate(qs)],
            "question id",
        )
        self._unique(
            [(("dimensions", d, "recommendations", n, "id"), r.id)
             for d, dim in enumerate(i.dimensions) for n, r in enumerate(dim.recommendations)],
            "recommendation id",
        )
        for n, s in enumerate(i.answer_sets):
            self._options(("answer_sets", n, "options"), s.options, scored=None)

    def _options(self, path: tuple, options: list, scored: bool | None) -> None:
        self._unique([(path + (n, "key"), o.key) for n, o in enumerate(options)], "option key")
        for n, o in enumerate(options):
            if o.key in RESERVED_KEYS:
                self.add(path + (n, "key"), f"option key {o.key!r} is reserved: set "
                         f"dont_know/not_applicable on the question instead")
            if scored and o.points is None:
                self.add(path + (n,), f"option {o.key!r} has no points: every option of a "
                                      f"scored question needs points (a number)")

    def questions(self) -> None:
        sets = {s.id: s for s in self.inst.answer_sets}
        for base, qs in self._sections():
            scored = base[0] == "dimensions"
            for n, q in enumerate(qs):
                path = base + (n,)
                if q.type in ("single", "multi"):
                    if (q.options is None) == (q.answer_set is None):
                        self.add(path, f"question {q.id!r} needs either options or answer_set "
                                       f"(one of them)")
                    elif q.answer_set is not None and q.answer_set not in sets:
                        self.add(path + ("answer_set",), f"unknown answer set {q.answer_set!r}; "
                                 f"valid: {', '.join(sets) or 'none defined'}")
                    elif q.options is not None:
                        self._options(path + ("options",), q.options, scored)
                    elif scored and any(o.points is None for o in sets[q.answer_set].options):
                        self.add(path + ("answer_set",), f"answer set {q.answer_set!r} has "
                                 f"options without points: scored questions need points")
                    opts = q.options or (sets[q.answer_set].options if q.answer_set in sets else [])
                    points = [o.points for o in opts if o.points is not None]
                    if scored and q.type == "single" and points and max(points) == min(points):
                        self.add(path, f"question {q.id!r}: all options have the same points, "
                                       f"so it cannot tell organizations apart")
                    if scored and q.type == "multi" and points and q.max_points is None \
                            and sum(p for p in points if p > 0) == 0:
                        self.add(path, f"question {q.id!r}: no option has positive points")
                elif q.type == "numeric":
                    if q.min is None or q.max is None or q.min >= q.max:
                        self.add(path, f"numeric question {q.id!r} needs min < max")
                    if scored and (q.score_range is None or q.score_range[0] == q.score_range[1]):
                        self.add(path, f"scored numeric question {q.id!r} needs score_range "
                                       f"[value scoring 0, value scoring 100] with two different "
                                       f"values")
                    if q.options or q.answer_set:
                        self.add(path, f"numeric question {q.id!r} takes no options")
                elif q.type == "text":
                    if base[0] != "profile":
                        self.add(path + ("type",), "free-text questions belong in profile only")
                    if q.options or q.answer_set:
                        self.add(path, f"text question {q.id!r} takes no options")

    def stages(self) -> None:
        st = self.inst.stages
        for n, s in enumerate(st):
            if s.level != n + 1:
                self.add(("stages", n, "level"), f"stage levels must run 1, 2, 3, … in order; "
                                                 f"expected {n + 1}, got {s.level}")
            if n == 0 and s.min_score != 0:
                self.add(("stages", 0, "min_score"), "the first stage must start at min_score 0, "
                                                     "so that every score has a stage")
            if s.min_score > 100:
                self.add(("stages", n, "min_score"), f"stage {s.key!r} can never be reached: "
                         f"min_score {s.min_score:g} is above the highest possible score 100")
            if n and s.min_score <= st[n - 1].min_score:
                self.add(("stages", n, "min_score"), f"stage {s.key!r} can never be reached as "
                         f"its own: min_score {s.min_score:g} must be above the previous stage's "
                         f"{st[n - 1].min_score:g}")
        mature = self.inst.benchmark.mature_stage
        if mature is not None and mature not in [s.key for s in st]:
            self.add(("benchmark", "mature_stage"), f"unknown stage {mature!r}; valid: "
                                                    f"{', '.join(s.key for s in st)}")

    def gates(self) -> None:
        idx = self.inst.index
        stages = [s.key for s in self.inst.stages]
        for n, g in enumerate(self.inst.rules.gates):
            path = ("rules", "gates", n)
            if g.stage not in stages:
                self.add(path + ("stage",),
                         f"unknown stage {g.stage!r}; valid: {', '.join(stages)}")
            c = g.condition
            forms = [c.any_of is not None, c.min_selected is not None, c.min_score is not None]
            cpath = path + ("condition",)
            if sum(forms) != 1 or (c.question is None) == (c.dimension is None) \
                    or (c.min_score is not None) != (c.dimension is not None):
                self.add(cpath, "a condition is one of: {question, any_of}, "
                                "{question, min_selected} or {dimension, min_score}")
                continue
            if c.dimension is not None:
                if c.dimension not in idx.dimensions:
                    self.add(cpath + ("dimension",), f"unknown dimension {c.dimension!r}; valid: "
                             f"{', '.join(idx.dimensions)}")
                continue
            if c.question not in idx.questions:
                self.add(cpath + ("question",), f"unknown question {c.question!r}")
                continue
            keys = idx.option_keys(c.question)
            q = idx.questions[c.question]
            if c.any_of is not None:
                for k, key in enumerate(c.any_of):
                    if key not in keys:
                        self.add(cpath + ("any_of", k), f"question {c.question!r} has no option "
                                 f"{key!r}; valid: {', '.join(keys)}")
            if c.min_selected is not None:
                if q.type != "multi":
                    self.add(cpath + ("min_selected",), f"min_selected needs a multi-select "
                             f"question; {c.question!r} is {q.type}")
                else:
                    usable = [o for o in idx.options[c.question] if not o.exclusive]
                    if c.min_selected > len(usable):
                        self.add(cpath + ("min_selected",), f"stage {g.stage!r} can never be "
                                 f"reached: {c.question!r} offers only {len(usable)} options, "
                                 f"min_selected is {c.min_selected}")

    def dimensions(self) -> None:
        idx = self.inst.index
        stages = [s.key for s in self.inst.stages]
        for d, dim in enumerate(self.inst.dimensions):
            path = ("dimensions", d)
            missing = [s for s in stages if s not in dim.stage_descriptions]
            if missing:
                self.add(path + ("stage_descriptions",), f"missing stage descriptions for "
                         f"{', '.join(missing)}: one for each stage")
            for key in dim.stage_descriptions:
                if key not in stages:
                    self.add(path + ("stage_descriptions", key), f"unknown stage {key!r}; valid: "
                             f"{', '.join(stages)}", key=True)
            for r, rec in enumerate(dim.recommendations):
                rpath = path + ("recommendations", r)
                if rec.stage not in stages[:-1]:
                    self.add(rpath + ("stage",), f"unknown stage {rec.stage!r} for a "
                             f"recommendation; valid: {', '.join(stages[:-1])} (the stage it "
                             f"moves on from)")
                ev = rec.evidence
                epath = rpath + ("evidence",)
                if ev.question not in idx.questions or idx.section[ev.question] in (
                        "profile", "outcomes"):
                    self.add(epath + ("question",), f"unknown scored question {ev.question!r}")
                    continue
                q = idx.questions[ev.question]
                if q.type == "numeric":
                    if ev.min_value is None or ev.favorable is not None:
                        self.add(epath, f"evidence on numeric question {ev.question!r} needs "
                                        f"min_value (and no favorable)")
                    continue
                if ev.favorable is None or ev.min_value is not None:
                    self.add(epath, f"evidence on {ev.question!r} needs favorable: [option keys]")
                    continue
                keys = idx.option_keys(ev.question)
                for k, key in enumerate(ev.favorable):
                    if key not in keys:
                        self.add(epath + ("favorable", k), f"question {ev.question!r} has no "
                                 f"option {key!r}; valid: {', '.join(keys)}")

    def benchmark(self) -> None:
        idx = self.inst.index
        for n, field in enumerate(self.inst.benchmark.peer_group):
            if idx.section.get(field) != "profile" or idx.questions[field].type != "single":
                singles = [q.id for q in self.inst.profile if q.type == "single"]
                self.add(("benchmark", "peer_group", n), f"unknown peer-group field {field!r}; "
                         f"valid: single-choice profile questions ({', '.join(singles)})")


def translation_problems(raw: dict, pos: Positions) -> list[Problem]:
    """Texts missing a locale, in a locale not declared, or empty; checked on the raw data so
    that they are reported together with structural problems."""
    locales = raw.get("locales")
    if not isinstance(locales, list) or not all(isinstance(x, str) for x in locales):
        return []
    want = set(locales)
    problems = []
    for path, text in _text_paths(raw, ()):
        missing = sorted(want - set(text))
        if missing:
            problems.append(Problem(pos.where(path), f"missing translation for "
                                    f"{', '.join(missing)}: every text needs {', '.join(locales)}"))
        for loc, value in text.items():
            if loc not in want:
                problems.append(Problem(pos.where(path + (loc,), key=True), f"locale {loc!r} is "
                                        f"not in locales ({', '.join(locales)})"))
            elif not isinstance(value, str) or not value.strip():
                problems.append(Problem(pos.where(path + (loc,)), "empty text: write it out"))
    return problems


def _sort_key(where: str) -> tuple:
    parts = where.rsplit(":", 2)
    try:
        return (parts[0], int(parts[1]), int(parts[2]))
    except (IndexError, ValueError):
        return (where, 0, 0)


def validate_raw(raw: Any, pos: Positions) -> Instrument:
    """Validate parsed data; raise ``InstrumentError`` listing every problem found."""
    if not isinstance(raw, dict):
        raise InstrumentError(Problem(pos.where(()), "an instrument is a mapping (id, version, …)"))
    problems = translation_problems(raw, pos)
    try:
        inst = Instrument.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "string_type" and len(loc) > 1 and isinstance(loc[-1], str) \
                    and len(loc[-1]) == 2:
                continue  # a text's value: reported by translation_problems
            problems.append(Problem(pos.where(loc, key=err["type"] == "extra_forbidden"),
                                    _describe_pydantic(err)))
        raise InstrumentError(sorted(set(problems), key=lambda p: _sort_key(p.where))) from None
    problems += _Checker(inst, raw, pos).run()
    if problems:
        raise InstrumentError(sorted(set(problems), key=lambda p: _sort_key(p.where)))
    return inst


def load_instrument(path: str | Path) -> Instrument:
    """Load an instrument file; raise ``InstrumentError`` naming file:line:col of each problem."""
    try:
        raw, pos = load_with_positions(path)
    except InputFileError as exc:
        raise InstrumentError(exc.problems) from None
    return validate_raw(raw, pos)


@lru_cache(maxsize=8)
def bundled_instrument(name: str = DEFAULT_INSTRUMENT) -> Instrument:
    """An instrument that ships with the package, by id."""
    if name not in BUNDLED:
        raise InstrumentError(f"no bundled instrument {name!r}; bundled: {', '.join(BUNDLED)}")
    ref = resources.files("socialmaturity.instrument") / "bundled" / BUNDLED[name]
    text = ref.read_text(encoding="utf-8")
    raw, pos = parse_with_positions(text, f"<bundled>/{BUNDLED[name]}")
    return validate_raw(raw, pos)


def resolve_instrument(path_or_name: str | None) -> Instrument:
    """A bundled instrument by id, or a file by path; the default when None."""
    if path_or_name is None or path_or_name in BUNDLED:
        return bundled_instrument(path_or_name or DEFAULT_INSTRUMENT)
    return load_instrument(path_or_name)
