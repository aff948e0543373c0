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

from ..errors import InstrumentError, Message, Problem
from .model import RESERVED_KEYS, Instrument, Question
from .positions import Positions, load_with_positions, parse_with_positions

BUNDLED = {"social-maturity": "social-maturity.yaml"}
DEFAULT_INSTRUMENT = "social-maturity"


def _describe_pydantic(err: dict[str, Any]) -> Message | str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return Message("unknown key {key!r}", key=err["loc"][-1])
    if kind == "missing":
        return Message("missing required key {key!r}", key=err["loc"][-1])
    if kind == "literal_error":  # pydantic's own words: English
        return Message("{error}, got {value!r}", error=err["msg"].lower(), value=err["input"])
    if isinstance(err["input"], dict | list):
        return err["msg"]
    return Message("{error} (got {value!r})", error=err["msg"], value=err["input"])


def _text_paths(value: Any, path: tuple) -> list[tuple[tuple, dict]]:
    """Every localized text in the raw data: a dict whose keys are all short locale codes."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("label", "text", "help", "name", "summary", "description", "title",
                       "action", "owner", "phrase", "unit", "finding") and isinstance(item, dict):
                found.append((path + (key,), item))
            elif key in ("stage_descriptions", "special_labels") and isinstance(item, dict):
                found.extend((path + (key, k), v) for k, v in item.items() if isinstance(v, dict))
            else:
                found.extend(_text_paths(item, path + (key,)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_text_paths(item, path + (i,)))
    return found


class _Checker:
    def __init__(self, inst: Instrument, pos: Positions):
        self.inst, self.pos = inst, pos
        self.stage_keys = [s.key for s in inst.stages]
        self.problems: list[Problem] = []

    def add(self, path: tuple, message: str, *, key: bool = False, **fields: object) -> None:
        """A problem at ``path``: ``message`` is the msgid, ``fields`` its values."""
        self.problems.append(Problem(self.pos.where(path, key=key), message, **fields))

    def run(self) -> list[Problem]:
        self.ids()
        self.questions()
        self.stages()
        self.gates()
        self.dimensions()
        self.benchmark()
        return self.problems

    def _unique(self, what: Message, found: list[tuple[tuple, list]], attr: str = "id") -> None:
        """Each ``attr`` once among the items of every (path, items) in ``found``."""
        seen: dict[str, tuple] = {}
        for base, items in found:
            for n, x in enumerate(items):
                ident, path = getattr(x, attr), base + (n, attr)
                if ident in seen:
                    self.add(path, "duplicate {what} {id!r} (first at {first}): ids must be "
                             "unique", what=what, id=ident, first=self.pos.where(seen[ident]))
                else:
                    seen[ident] = path

    def _sections(self) -> list[tuple[tuple, list[Question]]]:
        return ([(("profile",), self.inst.profile)]
                + [(("dimensions", i, "questions"), d.questions)
                   for i, d in enumerate(self.inst.dimensions)]
                + [(("outcomes",), self.inst.outcomes)])

    def ids(self) -> None:
        i = self.inst
        self._unique(Message("answer set id"), [(("answer_sets",), i.answer_sets)])
        self._unique(Message("dimension id"), [(("dimensions",), i.dimensions)])
        self._unique(Message("stage key"), [(("stages",), i.stages)], "key")
        self._unique(Message("gate id"), [(("rules", "gates"), i.rules.gates)])
        self._unique(Message("question id"), self._sections())
        self._unique(Message("recommendation id"), [
            (("dimensions", d, "recommendations"), dim.recommendations)
            for d, dim in enumerate(i.dimensions)])
        for n, s in enumerate(i.answer_sets):
            self._options(("answer_sets", n, "options"), s.options, scored=None)

    def _options(self, path: tuple, options: list, scored: bool | None) -> None:
        self._unique(Message("option key"), [(path, options)], "key")
        for n, o in enumerate(options):
            if o.key in RESERVED_KEYS:
                self.add(path + (n, "key"), "option key {option!r} is reserved: set "
                         "dont_know/not_applicable on the question instead", option=o.key)
            if scored and o.points is None:
                self.add(path + (n,), "option {option!r} has no points: every option of a "
                                      "scored question needs points (a number)", option=o.key)

    def questions(self) -> None:
        sets = {s.id: s for s in self.inst.answer_sets}
        for base, qs in self._sections():
            scored = base[0] == "dimensions"
            for n, q in enumerate(qs):
                path = base + (n,)
                if q.type in ("single", "multi"):
                    if (q.options is None) == (q.answer_set is None):
                        self.add(path, "question {qid!r} needs either options or answer_set "
                                       "(one of them)", qid=q.id)
                    elif q.answer_set is not None and q.answer_set not in sets:
                        self.add(path + ("answer_set",), "unknown answer set {set!r}; valid: "
                                 "{valid}", set=q.answer_set,
                                 valid=", ".join(sets) or Message("none defined"))
                    elif q.options is not None:
                        self._options(path + ("options",), q.options, scored)
                    elif scored and any(o.points is None for o in sets[q.answer_set].options):
                        self.add(path + ("answer_set",), "answer set {set!r} has options "
                                 "without points: scored questions need points", set=q.answer_set)
                    opts = q.options or (sets[q.answer_set].options if q.answer_set in sets else [])
                    points = [o.points for o in opts if o.points is not None]
                    if scored and q.type == "single" and points and max(points) == min(points):
                        self.add(path, "question {qid!r}: all options have the same points, "
                                       "so it cannot tell organizations apart", qid=q.id)
                    if scored and q.type == "multi" and points and q.max_points is None \
                            and sum(p for p in points if p > 0) == 0:
                        self.add(path, "question {qid!r}: no option has positive points",
                                 qid=q.id)
                elif q.type == "numeric":
                    if q.min is None or q.max is None or q.min >= q.max:
                        self.add(path, "numeric question {qid!r} needs min < max", qid=q.id)
                    if scored and (q.score_range is None or q.score_range[0] == q.score_range[1]):
                        self.add(path, "scored numeric question {qid!r} needs score_range "
                                       "[value scoring 0, value scoring 100] with two different "
                                       "values", qid=q.id)
                    if q.options or q.answer_set:
                        self.add(path, "numeric question {qid!r} takes no options", qid=q.id)
                elif q.type == "text":
                    if base[0] != "profile":
                        self.add(path + ("type",), "free-text questions belong in profile only")
                    if q.options or q.answer_set:
                        self.add(path, "text question {qid!r} takes no options", qid=q.id)

    def stages(self) -> None:
        st = self.inst.stages
        for n, s in enumerate(st):
            if s.level != n + 1:
                self.add(("stages", n, "level"), "stage levels must run 1, 2, 3, … in order; "
                                                 "expected {expected}, got {level}",
                         expected=n + 1, level=s.level)
            if n == 0 and s.min_score != 0:
                self.add(("stages", 0, "min_score"), "the first stage must start at min_score 0, "
                                                     "so that every score has a stage")
            if s.min_score > 100:
                self.add(("stages", n, "min_score"), "stage {stage!r} can never be reached: "
                         "min_score {min} is above the highest possible score 100",
                         stage=s.key, min=f"{s.min_score:g}")
            if n and s.min_score <= st[n - 1].min_score:
                self.add(("stages", n, "min_score"), "stage {stage!r} can never be reached as "
                         "its own: min_score {min} must be above the previous stage's "
                         "{previous}", stage=s.key, min=f"{s.min_score:g}",
                         previous=f"{st[n - 1].min_score:g}")
        mature = self.inst.benchmark.mature_stage
        if mature is not None and mature not in self.stage_keys:
            self.add(("benchmark", "mature_stage"), "unknown stage {stage!r}; valid: {valid}",
                     stage=mature, valid=", ".join(self.stage_keys))

    def gates(self) -> None:
        idx, stages = self.inst.index, self.stage_keys
        for n, g in enumerate(self.inst.rules.gates):
            path = ("rules", "gates", n)
            if g.stage not in stages:
                self.add(path + ("stage",), "unknown stage {stage!r}; valid: {valid}",
                         stage=g.stage, valid=", ".join(stages))
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
                    self.add(cpath + ("dimension",), "unknown dimension {dimension!r}; valid: "
                             "{valid}", dimension=c.dimension, valid=", ".join(idx.dimensions))
                continue
            if c.question not in idx.questions:
                self.add(cpath + ("question",), "unknown question {qid!r}", qid=c.question)
                continue
            q = idx.questions[c.question]
            if c.any_of is not None:
                self._known_options(cpath + ("any_of",), c.question, c.any_of)
            if c.min_selected is not None:
                if q.type != "multi":
                    self.add(cpath + ("min_selected",), "min_selected needs a multi-select "
                             "question; {qid!r} is {type}", qid=c.question, type=q.type)
                else:
                    usable = [o for o in idx.options[c.question] if not o.exclusive]
                    if c.min_selected > len(usable):
                        self.add(cpath + ("min_selected",), "stage {stage!r} can never be "
                                 "reached: {qid!r} offers only {usable} options, min_selected "
                                 "is {min}", stage=g.stage, qid=c.question, usable=len(usable),
                                 min=c.min_selected)

    def dimensions(self) -> None:
        idx, stages = self.inst.index, self.stage_keys
        for d, dim in enumerate(self.inst.dimensions):
            path = ("dimensions", d)
            missing = [s for s in stages if s not in dim.stage_descriptions]
            if missing:
                self.add(path + ("stage_descriptions",), "missing stage descriptions for "
                         "{missing}: one for each stage", missing=", ".join(missing))
            for key in dim.stage_descriptions:
                if key not in stages:
                    self.add(path + ("stage_descriptions", key), "unknown stage {stage!r}; "
                             "valid: {valid}", key=True, stage=key, valid=", ".join(stages))
            for r, rec in enumerate(dim.recommendations):
                rpath = path + ("recommendations", r)
                if rec.stage not in stages[:-1]:
                    self.add(rpath + ("stage",), "unknown stage {stage!r} for a "
                             "recommendation; valid: {valid} (the stage it moves on from)",
                             stage=rec.stage, valid=", ".join(stages[:-1]))
                ev = rec.evidence
                epath = rpath + ("evidence",)
                if ev.question not in idx.questions or idx.section[ev.question] in (
                        "profile", "outcomes"):
                    self.add(epath + ("question",), "unknown scored question {qid!r}",
                             qid=ev.question)
                    continue
                q = idx.questions[ev.question]
                if q.type == "numeric":
                    if ev.min_value is None or ev.favorable is not None:
                        self.add(epath, "evidence on numeric question {qid!r} needs "
                                        "min_value (and no favorable)", qid=ev.question)
                    continue
                if ev.favorable is None or ev.min_value is not None:
                    self.add(epath, "evidence on {qid!r} needs favorable: [option keys]",
                             qid=ev.question)
                    continue
                self._known_options(epath + ("favorable",), ev.question, ev.favorable)

    def _known_options(self, path: tuple, qid: str, given: list[str]) -> None:
        keys = self.inst.index.option_keys(qid)
        for k, key in enumerate(given):
            if key not in keys:
                self.add(path + (k,), "question {qid!r} has no option {option!r}; valid: "
                         "{valid}", qid=qid, option=key, valid=", ".join(keys))

    def benchmark(self) -> None:
        idx = self.inst.index
        for n, field in enumerate(self.inst.benchmark.peer_group):
            if idx.section.get(field) != "profile" or idx.questions[field].type != "single":
                singles = [q.id for q in self.inst.profile if q.type == "single"]
                self.add(("benchmark", "peer_group", n), "unknown peer-group field {field!r}; "
                         "valid: single-choice profile questions ({valid})", field=field,
                         valid=", ".join(singles))


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
            problems.append(Problem(pos.where(path), "missing translation for {missing}: every "
                                    "text needs {locales}", missing=", ".join(missing),
                                    locales=", ".join(locales)))
        for loc, value in text.items():
            if loc not in want:
                problems.append(Problem(pos.where(path + (loc,), key=True), "locale {locale!r} "
                                        "is not in locales ({locales})", locale=loc,
                                        locales=", ".join(locales)))
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
        problems += _Checker(inst, pos).run()
    except ValidationError as exc:
        inst = None
        for err in exc.errors():
            loc = tuple(err["loc"])
            if err["type"] == "string_type" and len(loc) > 1 and isinstance(loc[-1], str) \
                    and len(loc[-1]) == 2:
                continue  # a text's value: reported by translation_problems
            problems.append(Problem(pos.where(loc, key=err["type"] == "extra_forbidden"),
                                    _describe_pydantic(err)))
    if problems or inst is None:
        raise InstrumentError(sorted(set(problems), key=lambda p: _sort_key(p.where)))
    return inst


def load_instrument(path: str | Path) -> Instrument:
    """Load an instrument file; raise ``InstrumentError`` naming file:line:col of each problem."""
    return validate_raw(*load_with_positions(path, InstrumentError))


@lru_cache(maxsize=8)
def bundled_instrument(name: str = DEFAULT_INSTRUMENT) -> Instrument:
    """An instrument that ships with the package, by id."""
    if name not in BUNDLED:
        raise InstrumentError(Problem("--instrument", "no bundled instrument {name!r}; "
                                      "bundled: {valid}", name=name, valid=", ".join(BUNDLED)))
    text = (resources.files("socialmaturity.instrument") / "bundled" / BUNDLED[name]).read_text(
        encoding="utf-8")
    return validate_raw(*parse_with_positions(text, f"<bundled>/{BUNDLED[name]}"))


def resolve_instrument(path_or_name: str | None) -> Instrument:
    """A bundled instrument by id, or a file by path; the default when None."""
    if path_or_name is None or path_or_name in BUNDLED:
        return bundled_instrument(path_or_name or DEFAULT_INSTRUMENT)
    return load_instrument(path_or_name)
