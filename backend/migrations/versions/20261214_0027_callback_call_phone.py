"""call-back requests: another number to call, said after filing (encrypted), and who answers it

Revision ID: 0027
Revises: 0026 (witnessed signatures)
Create Date: 2026-12-14 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('call_phone_cipher', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('call_contact', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.drop_column('call_contact')
        batch_op.drop_column('call_phone_cipher')
