"""household members: why a labour ability not declared was derived (按年龄推定), and the illness said in the chat

Revision ID: 0022
Revises: 0021 (desk phone proven)
Create Date: 2026-12-09 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('labour_ability_basis', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('health_said', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_column('health_said')
        batch_op.drop_column('labour_ability_basis')
