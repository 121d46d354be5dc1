"""paper delegation review: a paper form a helper submits waits (pending) for a caseworker's verification

delegations gets status (pending | verified | rejected; every existing row is verified), the photo of the
form, and the review (when, how she checked or why not). backend/delegations/models.py owns the names.

Revision ID: 0015
Revises: 0014 (desk answer sender)
Create Date: 2026-11-25 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=12), server_default='verified', nullable=False))
        batch_op.add_column(sa.Column('form_photo', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Without the status a pending or rejected form would count as verified: revoke them first.
    op.execute(sa.text("UPDATE delegations SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = '未经核验' "
                       "WHERE status <> 'verified' AND revoked_at IS NULL"))
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('form_photo')
        batch_op.drop_column('status')
