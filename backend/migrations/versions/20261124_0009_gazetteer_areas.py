"""gazetteer areas: `areas` keeps only what the national gazetteer says of a referenced place

Office contacts move to backend/regions/data/offices.yaml (one owner, editable without a migration);
standards_region may be empty for a place outside every region whose standards we hold.
Downgrade brings the columns back empty: `python -m backend.prestart` of the older version refills them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_column('office_name')
        batch_op.drop_column('office_phone')
        batch_op.drop_column('office_hours')
        batch_op.drop_column('alert_phone')
        batch_op.alter_column('standards_region', existing_type=sa.String(length=32), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE areas SET standards_region = '' WHERE standards_region IS NULL")
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.alter_column('standards_region', existing_type=sa.String(length=32), nullable=False)
        batch_op.add_column(sa.Column('office_name', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('office_phone', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('office_hours', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('alert_phone', sa.String(length=20), nullable=True))
