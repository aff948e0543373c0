"""The team section of a round's result: one context object for the text, JSON, XLSX and SVG
forms. The JSON form of a round is the organization's result (``AssessmentResult``) with these
fields added at the top level (see ``TeamResult.to_json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import Field

from .result import AssessmentResult, Effect, Out, Stage


class DimensionScore(Out):
    id: str
    score: float | None = Field(description="0–100: the group's answers rolled up and scored")


class DepartmentOut(Out):
    department: str = Field(description="a department option key, or `other` for the pooled "
                                        "group")
    label: str
    n: int = Field(description="respondents (at least the minimum group size)")
    pooled: list[str] = Field(description="for `other`: the departments pooled into it")
    dimensions: list[DimensionScore]


class DepartmentCount(Out):
    department: str
    label: str
    n: int
    shown_in: str | None = Field(description="the group its respondents are shown in (itself "
                                             "or `other`); null when left out")


class NotShown(Out):
    n: int = Field(description="respondents in no department figure (they count in the "
                               "organization's result)")
    departments: list[str]
    reason: str


class AgreementOut(Out):
    dimension: str
    name: str
    n: int = Field(description="respondents with a score on the dimension")
    sd: float | None = Field(description="population standard deviation of their scores")
    agreement: float | None = Field(description="1 − sd / 50: 1 all agree, 0 widest split")
    spread: float | None = Field(description="highest − lowest department score shown")


class AnswerCountOut(Out):
    answer: str | float | None = Field(description="option key, number, dont-know, "
                                                   "not-applicable; null: not answered")
    label: str
    count: int


class DepartmentAnswers(Out):
    department: str
    label: str
    n: int
    answer: str | list[str] | float | None = Field(description="the department's rolled-up "
                                                              "answer")
    answer_label: str | None
    item_score: float | None = Field(description="its item score, 0–100; null when not a "
                                                 "real answer")
    answers: list[AnswerCountOut] = Field(description="the answers given (a multi-select: "
                                                      "how many chose each option)")


class DisagreementOut(Out):
    question: str
    text: str
    dimension: str
    dimension_name: str
    spread: float = Field(description="highest − lowest item score (0–100) of the "
                                      "departments' rolled-up answers")
    sd: float | None = Field(description="population SD of the respondents' item scores")
    departments: list[DepartmentAnswers]


class RoundScore(Out):
    score: float | None
    stage: Stage | None


class DimensionProgress(Out):
    id: str
    name: str
    before: RoundScore
    after: RoundScore
    change: float | None


class MoveOut(Out):
    question: str
    text: str
    dimension: str
    before: str | list[str] | float | None
    before_label: str | None
    after: str | list[str] | float | None
    after_label: str | None
    effect: Effect = Field(description="the earlier round's answers re-scored with this one "
                                       "change")


class ProgressOut(Out):
    previous_round: str | None
    previous_respondents: int
    overall: DimensionProgress
    dimensions: list[DimensionProgress]
    moves: list[MoveOut]


class TargetOut(Out):
    dimension: str
    name: str
    target_stage: Stage | None = Field(description="null for a score target")
    target_score: float
    score: float | None
    stage: Stage | None
    met: bool
    gap: float | None = Field(description="points still to go (0 once the score is reached)")
    previous_score: float | None
    previous_gap: float | None


class TeamOut(Out):
    round: str | None
    respondents: int
    respondents_by_department: list[DepartmentCount]
    min_group: int = Field(description="the setting team-min-group (k)")
    departments: list[DepartmentOut] = Field(description="only groups of at least k")
    not_shown: NotShown | None
    below_departments: list[str] = Field(description="the dimensions where the organization "
                                         "scores below every department shown (each group of "
                                         "the round shown, at least two)")
    below_note: str | None = Field(description="for those dimensions, why the roll-up allows it")
    agreement: list[AgreementOut]
    disagreements: list[DisagreementOut]
    progress: ProgressOut | None
    targets: list[TargetOut]


@dataclass(frozen=True)
class TeamResult:
    """A round's result: the organization's (the normal result) and the team section."""

    result: AssessmentResult
    team: TeamOut

    def to_dict(self) -> dict:
        return {**self.result.model_dump(mode="json"), **self.team.model_dump(mode="json")}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)
