"""staff-recorded consent: a reference photo staff upload or take records the person's separate consent

biometric_consents gets who recorded it (a staff member) and who was present when it was given.

Revision ID: 0016
Revises: 0015 (paper delegation review)
Create Date: 2026-11-25 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('biometric_consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('present', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_biometric_consents_recorded_by_staff_id_staff_users'), 'staff_users',
                                    ['recorded_by_staff_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('biometric_consents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_biometric_consents_recorded_by_staff_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('present')
        batch_op.drop_column('recorded_by_staff_id')
