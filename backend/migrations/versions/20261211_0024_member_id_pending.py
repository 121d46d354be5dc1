"""household members whose ID number is to come (身份证号待补): the birth year said until the number says it

Revision ID: 0024
Revises: 0023 (callback found id)
Create Date: 2026-12-11 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year_said', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_column('birth_year_said')
