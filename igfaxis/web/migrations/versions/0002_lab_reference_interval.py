"""labs: the lab's own IGF-1 reference interval (ref_low_ng_ml, ref_high_ng_ml)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration: two nullable columns (existing labs have no interval)."""
    with op.batch_alter_table("labs") as batch:
        batch.add_column(sa.Column("ref_low_ng_ml", sa.Float(), nullable=True))
        batch.add_column(sa.Column("ref_high_ng_ml", sa.Float(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("labs") as batch:
        batch.drop_column("ref_high_ng_ml")
        batch.drop_column("ref_low_ng_ml")
