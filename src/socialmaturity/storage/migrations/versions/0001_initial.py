"""Initial schema: organizations, rounds, assessments, respondents, answers.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand to run the same on SQLite and PostgreSQL. Constraint and index names are
the ones ``storage.tables.NAMING_CONVENTION`` gives, spelled out (``op.f``: final, not
convention-expanded again), so later migrations can refer to them by name.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False, server_default=""),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_rounds_organization_id_organizations")),
    )
    op.create_index(op.f("ix_rounds_organization_id"), "rounds", ["organization_id"])
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("instrument_version", sa.String(50), nullable=False),
        sa.Column("instrument_hash", sa.String(100), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"],
                                name=op.f("fk_assessments_round_id_rounds")),
    )
    op.create_index(op.f("ix_assessments_round_id"), "assessments", ["round_id"])
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.CHAR(64), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="open"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondents")),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_respondents_assessment_id_assessments")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_respondents_token_hash")),
        sa.CheckConstraint("status IN ('open', 'completed')",
                           name=op.f("ck_respondents_status")),
        sa.CheckConstraint("length(language) BETWEEN 2 AND 5",
                           name=op.f("ck_respondents_language_length")),
    )
    op.create_index(op.f("ix_respondents_assessment_id"), "respondents", ["assessment_id"])
    op.create_table(
        "answers",
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("respondent_id", "question_id", name=op.f("pk_answers")),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="CASCADE",
                                name=op.f("fk_answers_respondent_id_respondents")),
        sa.CheckConstraint("length(question_id) BETWEEN 1 AND 100",
                           name=op.f("ck_answers_question_id_length")),
    )


def downgrade() -> None:
    op.drop_table("answers")
    op.drop_index(op.f("ix_respondents_assessment_id"), table_name="respondents")
    op.drop_table("respondents")
    op.drop_index(op.f("ix_assessments_round_id"), table_name="assessments")
    op.drop_table("assessments")
    op.drop_index(op.f("ix_rounds_organization_id"), table_name="rounds")
    op.drop_table("rounds")
    op.drop_table("organizations")
