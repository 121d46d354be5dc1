"""applications: what the channel's form never asked (户口, 住房, 车辆), so the case page says 没问过, not a guess

Revision ID: 0028
Revises: 0027 (call-back call phone)
Create Date: 2026-12-15 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_asked', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('not_asked')
