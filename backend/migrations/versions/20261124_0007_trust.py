"""trust: staff lock-out after failed sign-ins; the district a paper delegation was verified in

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users') as batch:
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('delegations') as batch:
        batch.add_column(sa.Column('district_code', sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delegations') as batch:
        batch.drop_column('district_code')
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
