"""complaints: the 急难 report (urgent call-back) a complaint is about, and its urgency (answered as soon as that report)

Revision ID: 0025
Revises: 0024 (member id pending)
Create Date: 2026-12-12 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('callback_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_complaints_callback_id_callback_requests'), 'callback_requests',
                                    ['callback_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_callback_id_callback_requests'), type_='foreignkey')
        batch_op.drop_column('urgent')
        batch_op.drop_column('callback_id')
