"""Team assessments: several respondents of one organization in one round.

Pure, like ``scoring`` and ``research``: answers in, numbers out; never storage, web or cli.

- ``round``: the round's respondents (each with a department), read from answers files, and
  the organization's answers by the roll-up rule (:mod:`socialmaturity.scoring.rollup`);
- ``gaps``: perception gaps: the department × dimension table, spread and agreement per
  dimension, the questions the departments disagree on most;
- ``progress``: what changed between two rounds and the effect of each moved answer, and the
  way to each dimension's target.

``services.teams`` composes them with the assessor into the organization's result.
"""
