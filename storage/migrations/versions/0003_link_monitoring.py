"""Link monitoring: each link's latest answer, validators, fingerprints and source; each check's
fingerprint, evidence and attempts; the link classes enforced on both tables.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.models.LINK_CLASSES and LINK_MOVED_BY as of this revision: a migration must not
# follow later edits of the application's constants.
LINK_CLASSES = (
    "ok",
    "redirected",
    "moved",
    "not_found",
    "forbidden",
    "client_error",
    "blocked",
    "rate_limited",
    "server_error",
    "soft_404",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "redirect_loop",
    "robots_disallowed",
    "private_network",
)
LINK_MOVED_BY = ("redirect", "fingerprint")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


_LINK_COLUMNS = (
    ("source_id", sa.Integer),
    ("state_changed_at", _timestamp),
    ("last_class", lambda: sa.String(length=32)),
    ("http_status", sa.Integer),
    ("final_url", sa.Text),
    ("moved_by", lambda: sa.String(length=16)),
    ("archive_checked_at", _timestamp),
    ("etag", sa.Text),
    ("last_modified", sa.Text),
    ("baseline_text_hash", lambda: sa.String(length=64)),
    ("baseline_simhash", lambda: sa.String(length=16)),
    ("baseline_at", _timestamp),
    ("drifted_at", _timestamp),
    ("good_text_hash", lambda: sa.String(length=64)),
    ("good_simhash", lambda: sa.String(length=16)),
    ("good_words", sa.Integer),
    ("good_title", sa.Text),
    ("good_canonical_url", sa.Text),
    ("good_at", _timestamp),
)

_CHECK_COLUMNS = (
    ("suggested_url", sa.Text),
    ("simhash", lambda: sa.String(length=16)),
    ("title", sa.Text),
    ("canonical_url", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("link") as batch:
        for name, type_ in _LINK_COLUMNS:
            batch.add_column(sa.Column(name, type_(), nullable=True))
        batch.create_foreign_key(op.f("fk_link_source_id_source"), "source", ["source_id"], ["id"])
        batch.create_check_constraint(
            op.f("ck_link_last_class"), _one_of("last_class", LINK_CLASSES)
        )
        batch.create_check_constraint(op.f("ck_link_moved_by"), _one_of("moved_by", LINK_MOVED_BY))
    op.create_index(op.f("ix_link_source_id"), "link", ["source_id"])

    with op.batch_alter_table("link_check") as batch:
        for name, type_ in _CHECK_COLUMNS:
            batch.add_column(sa.Column(name, type_(), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch.add_column(
            sa.Column("not_modified", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("evidence", _json(), server_default=sa.text("'{}'"), nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_link_check_link_class"), _one_of("link_class", LINK_CLASSES)
        )


def downgrade() -> None:
    with op.batch_alter_table("link_check") as batch:
        batch.drop_constraint(op.f("ck_link_check_link_class"), type_="check")
        for name in ("evidence", "not_modified", "attempts"):
            batch.drop_column(name)
        for name, _type in reversed(_CHECK_COLUMNS):
            batch.drop_column(name)

    op.drop_index(op.f("ix_link_source_id"), table_name="link")
    with op.batch_alter_table("link") as batch:
        batch.drop_constraint(op.f("ck_link_moved_by"), type_="check")
        batch.drop_constraint(op.f("ck_link_last_class"), type_="check")
        batch.drop_constraint(op.f("fk_link_source_id_source"), type_="foreignkey")
        for name, _type in reversed(_LINK_COLUMNS):
            batch.drop_column(name)
