"""Two link classes: `unsafe_redirect` (a redirect to another scheme than http(s), not followed)
and `invalid_url` (a stored URL that cannot be requested), allowed by the CHECK constraints of
the link and link_check tables.

A downgrade refuses to run while any row holds one of them: 0003 has no class for such a
check, and rewriting it as another would be a lie in the history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# storage.models.LINK_CLASSES as of 0003 and as of this revision: a migration must not follow
# later edits of the application's constants.
LINK_CLASSES_0003 = (
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
NEW_CLASSES = ("unsafe_redirect", "invalid_url")
LINK_CLASSES = (*LINK_CLASSES_0003, *NEW_CLASSES)
# (table, column): each has a CHECK constraint named ck_<table>_<column> (see 0003).
CLASS_COLUMNS = (("link", "last_class"), ("link_check", "link_class"))


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def _allow(classes: tuple[str, ...]) -> None:
    for table, column in CLASS_COLUMNS:
        name = op.f(f"ck_{table}_{column}")
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(name, type_="check")
            batch.create_check_constraint(name, _one_of(column, classes))


def upgrade() -> None:
    _allow(LINK_CLASSES)


def downgrade() -> None:
    connection = op.get_bind()
    for table, column in CLASS_COLUMNS:
        rows = sa.table(table, sa.column(column))
        count = connection.execute(
            sa.select(sa.func.count()).select_from(rows).where(rows.c[column].in_(NEW_CLASSES))
        ).scalar_one()
        if count:
            raise RuntimeError(
                f"cannot downgrade to 0003: {count} {table} rows have {column} "
                f"{' or '.join(NEW_CLASSES)}, which 0003 does not know; delete them first"
            )
    _allow(LINK_CLASSES_0003)
