"""The initial schema: sources, crawl runs, records, versions, resources, links, events.

Revision ID: 0001
Revises: -
Create Date: 2026-11-28 14:24:59.954507
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    # JSONB on PostgreSQL, JSON text elsewhere, as storage.models.JSONType.
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamp() -> sa.DateTime:
    # storage.models.UTCDateTime: timestamptz on PostgreSQL, naive UTC text on SQLite.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("spider", sa.String(length=64), nullable=False),
        sa.Column("start_urls", _json(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
    )
    op.create_table(
        "crawl_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("stats", _json(), nullable=False),
        sa.Column("records_seen", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("records_new", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("records_updated", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("records_removed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'partial', 'failed', 'aborted')",
            name=op.f("ck_crawl_run_status"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_crawl_run_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_run")),
    )
    op.create_index(op.f("ix_crawl_run_source_id"), "crawl_run", ["source_id"])

    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stable_id", sa.String(length=255), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("city_normalised", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("organisations", _json(), nullable=False),
        sa.Column("themes", _json(), nullable=False),
        sa.Column("theme_labels", _json(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("updated", sa.Date(), nullable=True),
        sa.Column("translations", _json(), nullable=False),
        sa.Column("extra", _json(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.Column("last_seen", _timestamp(), nullable=False),
        sa.Column("changed_at", _timestamp(), nullable=False),
        sa.Column("last_seen_run_id", sa.Integer(), nullable=True),
        sa.Column("missed_runs", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("removed_at", _timestamp(), nullable=True),
        sa.CheckConstraint("status IN ('active', 'removed')", name=op.f("ck_record_status")),
        sa.ForeignKeyConstraint(
            ["last_seen_run_id"],
            ["crawl_run.id"],
            name=op.f("fk_record_last_seen_run_id_crawl_run"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_record_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
        sa.UniqueConstraint("stable_id", name=op.f("uq_record_stable_id")),
    )
    op.create_index(op.f("ix_record_changed_at"), "record", ["changed_at"])
    op.create_index(op.f("ix_record_source_id_status"), "record", ["source_id", "status"])

    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("cited_in", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("first_failed", _timestamp(), nullable=True),
        sa.Column("last_ok", _timestamp(), nullable=True),
        sa.Column("last_checked", _timestamp(), nullable=True),
        sa.Column(
            "consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("suggested_url", sa.Text(), nullable=True),
        sa.Column("archive_url", sa.Text(), nullable=True),
        sa.Column("next_check_at", _timestamp(), nullable=True),
        sa.CheckConstraint(
            "origin IN ('config', 'record', 'resource', 'cli')", name=op.f("ck_link_origin")
        ),
        sa.CheckConstraint(
            "state IN ('healthy', 'failing', 'broken', 'moved', 'needs_review')",
            name=op.f("ck_link_state"),
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_link_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
        sa.UniqueConstraint("url_hash", name=op.f("uq_link_url_hash")),
    )
    op.create_index(op.f("ix_link_next_check_at"), "link", ["next_check_at"])
    op.create_index(op.f("ix_link_record_id"), "link", ["record_id"])

    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("seen_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_record_version_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_run.id"], name=op.f("fk_record_version_run_id_crawl_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
        sa.UniqueConstraint(
            "record_id", "version", name=op.f("uq_record_version_record_id_version")
        ),
    )
    op.create_index(op.f("ix_record_version_run_id"), "record_version", ["run_id"])

    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["record.id"],
            name=op.f("fk_resource_record_id_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resource")),
        sa.UniqueConstraint("record_id", "url", name=op.f("uq_resource_record_id_url")),
    )
    op.create_table(
        "change_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("fields_changed", _json(), nullable=False),
        sa.Column("detail", _json(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"], ["link.id"], name=op.f("fk_change_event_link_id_link")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f("fk_change_event_record_id_record")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_run.id"], name=op.f("fk_change_event_run_id_crawl_run")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["source.id"], name=op.f("fk_change_event_source_id_source")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_event")),
    )
    op.create_index(op.f("ix_change_event_kind"), "change_event", ["kind"])
    op.create_index(op.f("ix_change_event_record_id"), "change_event", ["record_id"])
    op.create_index(op.f("ix_change_event_run_id"), "change_event", ["run_id"])

    op.create_table(
        "link_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", _timestamp(), nullable=False),
        sa.Column("link_class", sa.String(length=32), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("redirect_chain", _json(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=128), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["link_id"], ["link.id"], name=op.f("fk_link_check_link_id_link")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_check")),
    )
    op.create_index(
        op.f("ix_link_check_link_id_checked_at"), "link_check", ["link_id", "checked_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_link_check_link_id_checked_at"), table_name="link_check")

    op.drop_table("link_check")
    op.drop_index(op.f("ix_change_event_run_id"), table_name="change_event")
    op.drop_index(op.f("ix_change_event_record_id"), table_name="change_event")
    op.drop_index(op.f("ix_change_event_kind"), table_name="change_event")

    op.drop_table("change_event")
    op.drop_table("resource")
    op.drop_index(op.f("ix_record_version_run_id"), table_name="record_version")

    op.drop_table("record_version")
    op.drop_index(op.f("ix_link_record_id"), table_name="link")
    op.drop_index(op.f("ix_link_next_check_at"), table_name="link")

    op.drop_table("link")
    op.drop_index(op.f("ix_record_source_id_status"), table_name="record")
    op.drop_index(op.f("ix_record_changed_at"), table_name="record")

    op.drop_table("record")
    op.drop_index(op.f("ix_crawl_run_source_id"), table_name="crawl_run")

    op.drop_table("crawl_run")
    op.drop_table("source")
