"""desk requests: whether the phone to answer was proven by the caller (a typed number is not)

Revision ID: 0021
Revises: 0020 (documents sealed)
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ('callback_requests', 'complaints'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('phone_proven', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table in ('callback_requests', 'complaints'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('phone_proven')
