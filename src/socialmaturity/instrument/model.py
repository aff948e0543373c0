"""The questionnaire as data: pydantic models of an instrument file.

An instrument is a versioned YAML document: answer sets shared between questions, four (or
any number of) stages with score thresholds, gates and a weakest-link cap, scored dimensions
with their questions, stage descriptions and recommendations, and unscored profile and outcome
questions. Every text is a mapping of locale to string (``{en: ..., nl: ...}``).

Nothing here knows about social media: the engine runs any instrument that validates.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: A text in every locale of the instrument, e.g. ``{"en": "Yes", "nl": "Ja"}``.
Text = dict[str, str]

DONT_KNOW = "dont-know"
NOT_APPLICABLE = "not-applicable"
RESERVED_KEYS = (DONT_KNOW, NOT_APPLICABLE)
#: Longest answer to a text question whose definition sets no ``max_length``.
TEXT_MAX_LENGTH = 200


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(Strict):
    """One anchored answer. ``points`` is required for scored questions, absent for profile ones."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    label: Text
    points: float | None = None
    #: A multi-select option that excludes all others ("none of these").
    exclusive: bool = False
    #: What choosing this option says, as a plural verb phrase for research findings: it
    #: completes "Mature organizations are 2.1× as likely as less mature ones to ..." (en,
    #: e.g. "say their customer-service staff use social media"); in Dutch it starts with the
    #: finite verb ("zeggen dat hun klantenservicemedewerkers social media gebruiken").
    finding: Text | None = None


class AnswerSet(Strict):
    """Options shared by several questions (``answer_set: agree5``)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    options: list[Option] = Field(min_length=2)


class Question(Strict):
    """A question. ``single`` picks one option, ``multi`` any number, ``numeric`` a number,
    ``text`` free text (profile only).

    Scoring of a scored question, to an item score in [0, 1]:

    - single: ``(points - min points) / (max points - min points)``;
    - multi: ``min(sum of selected points, max_points) / max_points`` (``max_points`` defaults to
      the sum of the positive points);
    - numeric: linear from ``score_range[0]`` (0) to ``score_range[1]`` (1), clipped.

    "Don't know" scores as the lowest option (0); "not applicable" leaves the question out and
    the dimension is re-normalized over the rest.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["single", "multi", "numeric", "text"] = "single"
    text: Text
    help: Text | None = None
    options: list[Option] | None = None
    answer_set: str | None = None
    required: bool = True
    weight: float = Field(default=1.0, gt=0)
    dont_know: bool = True
    not_applicable: bool = False
    max_points: float | None = Field(default=None, gt=0)
    min: float | None = None
    max: float | None = None
    unit: Text | None = None
    score_range: tuple[float, float] | None = None
    #: What a top-2-box answer says, as a plural verb phrase for research findings (see
    #: :attr:`Option.finding`): "say social media differentiates their brand".
    finding: Text | None = None
    #: Longest answer (characters) to a text question, on every way in: the web form, the
    #: API, answers files, the batch CSV. Default :data:`TEXT_MAX_LENGTH`.
    max_length: int | None = Field(default=None, ge=1, le=10_000)

    @property
    def text_limit(self) -> int:
        """The longest answer a text question takes."""
        return self.max_length or TEXT_MAX_LENGTH


class StageDefinition(Strict):
    level: int = Field(ge=1)
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    summary: Text
    #: The lowest 0-100 score (overall or dimension) that reaches this stage.
    min_score: float = Field(ge=0)


class GateCondition(Strict):
    """What a gate asks. Exactly one of the three forms:

    - ``question`` + ``any_of``: the answer is one of these option keys (for a multi-select:
      at least one of them is selected);
    - ``question`` + ``min_selected``: a multi-select with at least this many options chosen
      (exclusive options do not count);
    - ``dimension`` + ``min_score``: that dimension scores at least this much.
    """

    question: str | None = None
    any_of: list[str] | None = None
    min_selected: int | None = Field(default=None, ge=1)
    dimension: str | None = None
    min_score: float | None = Field(default=None, ge=0, le=100)


class Gate(Strict):
    """A condition an organization must meet to reach ``stage`` (and every stage above it)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    stage: str
    condition: GateCondition
    #: Why the gate exists, shown when it decides the stage.
    text: Text


class WeakestLink(Strict):
    """The overall stage is at most ``max_above`` levels above the weakest dimension's stage."""

    max_above: int = Field(ge=0)


class StageRules(Strict):
    gates: list[Gate] = []
    weakest_link: WeakestLink | None = None


class Evidence(Strict):
    """What the benchmark counts to back a recommendation: the share of respondents whose
    answer to ``question`` is one of ``favorable`` (option keys), or for a numeric question is at
    least ``min_value``. ``phrase`` completes "Mature organizations are N× as likely to ..."."""

    question: str
    favorable: list[str] | None = None
    min_value: float | None = None
    phrase: Text


class Recommendation(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    #: The dimension stage this action moves on from (to the next stage).
    stage: str
    title: Text
    action: Text
    #: Who must act: "CMO", "Head of customer service", ...
    owner: Text
    evidence: Evidence


class Dimension(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    description: Text
    weight: float = Field(default=1.0, gt=0)
    questions: list[Question] = Field(min_length=1)
    #: One description per stage key: what this dimension looks like at that stage.
    stage_descriptions: dict[str, Text]
    recommendations: list[Recommendation] = []


class Benchmark(Strict):
    """Profile questions that define the peer group, most general first. When the full group is
    smaller than the minimum group size, the last field is dropped, then the next, down to all.

    ``mature_stage``: the stage from which an organization counts as mature (default: the
    stage above the middle of the scale). ``min_evidence``: the fewest organizations in each of
    the mature and less mature groups for an evidence ratio. ``calibrated_to_study``: the demo
    panel of this instrument is calibrated to the study's published findings, so a research run
    on it reports how well each finding is re-created."""

    peer_group: list[str] = []
    mature_stage: str | None = None
    min_evidence: int = Field(default=20, ge=1)
    calibrated_to_study: bool = False


class Ranking(Strict):
    """Weights of the next-step ranking (see :mod:`socialmaturity.recommendations.ranking`):
    the boost of a step whose what-if raises the overall stage, or the dimension's stage."""

    lifts_overall_stage: float = Field(default=3.0, ge=1)
    lifts_dimension_stage: float = Field(default=1.5, ge=1)
    #: the first this many steps come from different dimensions
    distinct_first: int = Field(default=3, ge=0)
    #: the result lists at most this many steps, most important first
    max_steps: int = Field(default=15, ge=1)


class Instrument(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    locales: list[str] = Field(min_length=1)
    title: Text
    description: Text
    #: Title of the PDF report and the board deck (default: "Maturity report").
    report_title: Text | None = None
    #: Labels of the two special answers, ``dont-know`` and ``not-applicable``.
    special_labels: dict[Literal["dont-know", "not-applicable"], Text]
    answer_sets: list[AnswerSet] = []
    stages: list[StageDefinition] = Field(min_length=2)
    rules: StageRules = StageRules()
    benchmark: Benchmark = Benchmark()
    ranking: Ranking = Ranking()
    profile: list[Question] = []
    dimensions: list[Dimension] = Field(min_length=1)
    outcomes: list[Question] = []

    @cached_property
    def mature_level(self) -> int:
        """The stage level from which an organization counts as mature."""
        if self.benchmark.mature_stage is not None:
            return next(s.level for s in self.stages if s.key == self.benchmark.mature_stage)
        return self.stages[len(self.stages) // 2].level

    @cached_property
    def index(self) -> QuestionIndex:
        return QuestionIndex(self)

    @cached_property
    def content_hash(self) -> str:
        """``sha256:`` of the canonical JSON of the content: layout and comments do not count."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def scored_questions(self) -> list[Question]:
        return [q for d in self.dimensions for q in d.questions]

    def option_labels(self, question_id: str, lang: str) -> dict[str, str]:
        """Option key → label of a question in ``lang`` (kept after the first call)."""
        return self.index.kept("_option_labels", (question_id, lang), lambda: {
            o.key: self.text(o.label, lang) for o in self.index.options[question_id]})

    def text(self, value: Text | None, lang: str) -> str:
        """The text in ``lang``, falling back to the instrument's first locale."""
        if not value:
            return ""
        return value.get(lang) or value[self.locales[0]]


class QuestionIndex:
    """Look-ups over a validated instrument: questions by id, their resolved options, where
    each question sits (profile, a dimension, outcomes)."""

    def __init__(self, instrument: Instrument):
        sets = {s.id: s.options for s in instrument.answer_sets}
        self.questions: dict[str, Question] = {}
        self.options: dict[str, list[Option]] = {}
        self.section: dict[str, str] = {}
        self.dimension_of: dict[str, str] = {}
        for section, questions in ([("profile", instrument.profile)]
                                   + [(d.id, d.questions) for d in instrument.dimensions]
                                   + [("outcomes", instrument.outcomes)]):
            for q in questions:
                self.questions.setdefault(q.id, q)
                self.options.setdefault(q.id, list(q.options or sets.get(q.answer_set or "", [])))
                self.section.setdefault(q.id, section)
                if section not in ("profile", "outcomes"):
                    self.dimension_of.setdefault(q.id, section)
        self.stages: dict[str, StageDefinition] = {s.key: s for s in instrument.stages}
        self.dimensions: dict[str, Dimension] = {d.id: d for d in instrument.dimensions}

    def option_keys(self, question_id: str) -> list[str]:
        return [o.key for o in self.options[question_id]]

    def kept(self, table: str, key: object, make, limit: int = 50_000):
        """``make()``, kept under ``key`` in this index's ``table`` (emptied past ``limit``
        entries): what depends on the instrument and a few answers only is made once."""
        entries = self.__dict__.setdefault(table, {})
        found = entries.get(key, entries)  # the table itself stands for "not made yet"
        if found is entries:
            if len(entries) > limit:
                entries.clear()
            found = entries[key] = make()
        return found

    def valid_keys(self, question_id: str) -> list[str]:
        """Every answer key a question accepts, the special answers included."""
        q = self.questions[question_id]
        keys = self.option_keys(question_id)
        if q.dont_know:
            keys.append(DONT_KNOW)
        if q.not_applicable:
            keys.append(NOT_APPLICABLE)
        return keys
