"""Team assessments: accounts (users, sessions, login attempts, audit log), organizations
with a profile, an owner and shares, rounds that close and hold targets, and invitations
(respondents with a department).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

Every existing assessment stays: its organization gets no owner and no profile (it is a
single respondent's own), its round stays open, its respondents get no department.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    _accounts()
    _teams()


def _accounts() -> None:
    """Users, their sessions, login attempts and the audit log."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("api_token_hash", sa.CHAR(64), nullable=True),
        _timestamp("created_at"),
        _timestamp("disabled_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("api_token_hash", name=op.f("uq_users_api_token_hash")),
        sa.CheckConstraint("role IN ('admin', 'facilitator', 'viewer')",
                           name=op.f("ck_users_role")),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.CHAR(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_sessions_user_id_users")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.CHAR(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        _timestamp("at"),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_email_hash_at"), "login_attempts",
                    ["email_hash", "at"])
    op.create_index(op.f("ix_login_attempts_address_at"), "login_attempts", ["address", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _timestamp("at"),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_audit_log_user_id_users")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_organization_id"), "audit_log", ["organization_id"])


def _teams() -> None:
    """Organizations' profile, owner and shares; rounds that close; respondents' departments."""
    with op.batch_alter_table("organizations") as batch:
        for name in ("sector", "size", "region"):
            batch.add_column(sa.Column(name, sa.String(60), nullable=True))
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_organizations_owner_id_users"), "users",
                                 ["owner_id"], ["id"])
        batch.create_index(op.f("ix_organizations_owner_id"), ["owner_id"])
    op.create_table(
        "shares",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name=op.f("pk_shares")),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE",
                                name=op.f("fk_shares_organization_id_organizations")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_shares_user_id_users")),
    )
    op.create_index(op.f("ix_shares_user_id"), "shares", ["user_id"])

    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("status", sa.String(12), nullable=False,
                                   server_default="open"))
        batch.add_column(_timestamp("closed_at", nullable=True))
        batch.add_column(sa.Column("targets", sa.Text(), nullable=True))
        batch.create_check_constraint(op.f("ck_rounds_status"), "status IN ('open', 'closed')")

    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("department", sa.String(60), nullable=True))
        batch.add_column(sa.Column("invite_nonce", sa.String(64), nullable=True))
        batch.drop_constraint(op.f("ck_respondents_status"), type_="check")
        batch.create_check_constraint(op.f("ck_respondents_status"),
                                      "status IN ('open', 'completed', 'revoked')")


def downgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.drop_constraint(op.f("ck_respondents_status"), type_="check")
        batch.create_check_constraint(op.f("ck_respondents_status"),
                                      "status IN ('open', 'completed')")
        batch.drop_column("invite_nonce")
        batch.drop_column("department")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_constraint(op.f("ck_rounds_status"), type_="check")
        for name in ("targets", "closed_at", "status"):
            batch.drop_column(name)
    op.drop_index(op.f("ix_shares_user_id"), table_name="shares")
    op.drop_table("shares")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_index(op.f("ix_organizations_owner_id"))
        batch.drop_constraint(op.f("fk_organizations_owner_id_users"), type_="foreignkey")
        for name in ("owner_id", "region", "size", "sector"):
            batch.drop_column(name)
    op.drop_index(op.f("ix_audit_log_organization_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_login_attempts_address_at"), table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_email_hash_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("users")
