"""Incremental recrawl markers on records; possible duplicates across sources.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("record") as batch:
        batch.add_column(sa.Column("listing_marker", sa.Text(), nullable=True))
        batch.add_column(sa.Column("extracted_at", _timestamp(), nullable=True))
    op.create_table(
        "possible_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("other_record_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detected_at", _timestamp(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _timestamp(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'rejected')",
            name=op.f("ck_possible_duplicate_status"),
        ),
        sa.CheckConstraint(
            "record_id < other_record_id", name=op.f("ck_possible_duplicate_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_possible_duplicate_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_record_id"],
            ["record.id"],
            name=op.f("fk_possible_duplicate_other_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_run.id"], name=op.f("fk_possible_duplicate_run_id_crawl_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_possible_duplicate")),
        sa.UniqueConstraint(
            "record_id",
            "other_record_id",
            name=op.f("uq_possible_duplicate_record_id_other_record_id"),
        ),
    )
    op.create_index(
        op.f("ix_possible_duplicate_other_record_id"), "possible_duplicate", ["other_record_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_possible_duplicate_other_record_id"), table_name="possible_duplicate")
    op.drop_table("possible_duplicate")
    with op.batch_alter_table("record") as batch:
        batch.drop_column("extracted_at")
        batch.drop_column("listing_marker")
