"""The assessment result: one context object for the text, JSON, HTML and PDF forms.

Its JSON Schema is published by ``socialmaturity schema result``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.0"


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstrumentRef(Out):
    id: str
    version: str
    hash: str = Field(description="sha256 of the instrument's canonical content")
    report_title: str = Field(description="the title of the PDF report and the board deck, from "
                                          "the instrument (in the result's language)")


class Decision(Out):
    rule: str = Field(description="threshold, gate or weakest-link")
    id: str | None = Field(description="the gate id, or the weakest dimension's id")
    explanation: str


class Stage(Out):
    level: int
    key: str
    name: str


class DecidedStage(Stage):
    decided_by: Decision


class Overall(Out):
    score: float = Field(ge=0, le=100)
    stage: DecidedStage


class QuestionAnswer(Out):
    id: str
    text: str
    answer: str | list[str] | float | None = Field(description="option key(s) or number; null "
                                                              "when unanswered")
    answer_label: str | None = Field(description="the answer in words")
    item_score: float | None = Field(description="0–1; null when not applicable")


class AnswerLine(Out):
    question: str
    text: str = Field(description="the question")
    answer_label: str | None = Field(description="the organization's answer in words")
    target_label: str | None = Field(default=None, description="the answer the next stage "
                                                               "asks for, in words")


class DimensionResult(Out):
    id: str
    name: str
    description: str
    score: float | None = Field(description="0–100; null when every question was not applicable")
    stage: Stage | None
    already: list[AnswerLine] = Field(description="answers at or above the next stage's rung "
                                                  "(at the top stage: at the top stage's rung)")
    next_stage_asks: list[AnswerLine] = Field(description="answers below the next stage's rung, "
                                                          "with the rung it asks for")
    answered: int
    asked: int
    questions: list[QuestionAnswer]


class GateResult(Out):
    id: str
    stage: str
    met: bool
    text: str


class Filters(Out):
    filters: dict[str, str]
    label: str = Field(default="", description="the filters in words, as the peer group's label")
    n: int


class PeerGroupOut(Out):
    filters: dict[str, str] = Field(description="profile field → value shared by the peers")
    label: str
    n: int
    min_group_size: int
    widened_from: list[Filters] = Field(description="smaller groups tried first")
    widened_because: str | None


class PanelOut(Out):
    label: str
    synthetic: bool
    n: int = Field(description="organizations in the benchmark")
    respondents: int = Field(description="respondents they were rolled up from")
    instrument_version: str


class DimensionBenchmark(Out):
    id: str
    percentile: float | None
    median: float | None
    top_quartile: float | None
    n: int


class StageShare(Stage):
    min_score: float = Field(description="the lowest score that reaches this stage")
    count: int
    share: float


class BenchmarkOut(Out):
    panel: PanelOut
    peer_group: PeerGroupOut
    overall_percentile: float | None
    overall_median: float | None
    overall_top_quartile: float | None
    overall_histogram: list[int] = Field(description="peers per 10-point band of the overall "
                                                     "score: 0–10, 10–20, …, 90–100")
    dimensions: list[DimensionBenchmark]
    stage_distribution: list[StageShare]


class EvidenceOut(Out):
    statement: str
    group: dict[str, str]
    group_label: str
    n: int
    n_mature: int
    n_less_mature: int
    share_mature: float | None
    share_less_mature: float | None
    ratio: float | None = Field(description="share_mature / share_less_mature; null when a "
                                            "group has too few organizations or the item is "
                                            "rule-defined")
    ratio_ci: list[float] | None = Field(description="95% confidence interval of the ratio "
                                                     "(Katz log method)")
    by_definition: str | None = Field(description="the stage key a stage rule makes this item "
                                                  "required for (no ratio is shown)")
    widened: bool = Field(description="the peer group was widened to find enough organizations")


class Change(Out):
    question: str
    answer: str | list[str] | float = Field(description="the new answer, in the answers-file "
                                                       "format")
    question_text: str
    answer_label: str
    current_label: str | None


class Effect(Out):
    """Found by scoring the same answers with the change: `socialmaturity score` on the
    changed answers gives exactly the after-values."""

    overall_before: float
    overall_after: float
    stage_before: str
    stage_after: str
    dimension_before: float | None
    dimension_after: float | None


class PathStep(Out):
    question: str
    answer: str | list[str] | float
    question_text: str
    answer_label: str
    dimension: str
    overall_after: float
    stage_after: str


class Strength(Out):
    dimension: str
    name: str
    score: float | None
    percentile: float | None
    best: list[AnswerLine] = Field(description="the dimension's highest-scoring answers")


class Condition(Out):
    text: str
    met: bool


class NextStage(Stage):
    """What the next stage asks of the organization as a whole, each condition checked."""

    conditions: list[Condition]


class RecommendationOut(Out):
    rank: int
    id: str
    dimension: str
    dimension_name: str
    title: str
    action: str
    owner: str
    why: str
    priority: float
    gap_to_next_stage: float
    gap_to_peer_top_quartile: float
    change: Change
    effect: Effect
    lifts_stage: bool = Field(description="the what-if raises the overall stage")
    evidence: EvidenceOut


class AssessmentResult(Out):
    """Everything an assessment tells: scores, stage and why, peers, next steps."""

    schema_version: str = SCHEMA_VERSION
    language: str
    instrument: InstrumentRef
    profile: dict[str, str]
    overall: Overall
    dimensions: list[DimensionResult]
    gates: list[GateResult]
    benchmark: BenchmarkOut
    provisional: bool = Field(description="fewer than 80% of the scored questions answered: no "
                                          "percentile is given")
    answered: int = Field(description="scored questions answered")
    asked: int = Field(description="scored questions")
    strengths: list[Strength] = Field(description="at most three dimensions scoring above the "
                                                  "peers' median, the highest percentile first")
    no_strengths: str | None = Field(description="when no dimension is a strength, why, in a "
                                                 "sentence")
    next_stage: NextStage | None = Field(description="the next stage's conditions, met or not; "
                                                     "null at the top stage")
    meaning: list[str] = Field(description="what the stage means for this organization, in "
                                           "sentences computed from its scores")
    recommendations: list[RecommendationOut] = Field(
        description="the most important next steps, at most the instrument's max_steps")
    steps_offered: int = Field(description="next steps on offer in all, listed or not")
    no_steps: str | None = Field(description="when no next step is on offer, why, in a "
                                             "sentence")
    path_to_next_stage: list[PathStep] = Field(description="the fewest one-rung answer changes "
                                                           "that reach the next stage, in order; "
                                                           "empty at the top stage")


def result_schema() -> dict:
    schema = AssessmentResult.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://socialmaturity.invalid/schema/result-2.0.json"
    return schema
