"""call-back requests: the ID number of the person a 急难 report is for, said after the report (encrypted, masked copy)

Revision ID: 0023
Revises: 0022 (labour basis and health said)
Create Date: 2026-12-10 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_cipher', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('id_masked', sa.String(length=18), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.drop_column('id_masked')
        batch_op.drop_column('id_cipher')
