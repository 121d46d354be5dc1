"""authorization_signatures: who witnessed a staff-assisted signature, how (入户 or 窗口), when, and the scan

Revision ID: 0026
Revises: 0025 (complaint about an emergency)
Create Date: 2026-12-13 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('authorization_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('witnessed_by_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('witnessed_how', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('witnessed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paper_scan', sa.String(length=80), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_authorization_signatures_witnessed_by_staff_id_staff_users'),
                                    'staff_users', ['witnessed_by_staff_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('authorization_signatures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_authorization_signatures_witnessed_by_staff_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('paper_scan')
        batch_op.drop_column('witnessed_on')
        batch_op.drop_column('witnessed_how')
        batch_op.drop_column('witnessed_by_staff_id')
