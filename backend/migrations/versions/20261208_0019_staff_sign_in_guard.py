"""staff sign-in guard: failed sign-ins counted per (account, address) instead of locking the account; TOTP

Revision ID: 0019
Revises: 0018 (form drafts)
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'staff_login_counters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_key', sa.String(length=32), nullable=False),
        sa.Column('client_key', sa.String(length=32), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unseen_failures', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('unseen_lockouts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('unseen_since', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_login_counters')),
        sa.UniqueConstraint('account_key', 'client_key', name='uq_staff_login_counters_account_client'),
    )
    op.create_index(op.f('ix_staff_login_counters_last_attempt_at'), 'staff_login_counters', ['last_attempt_at'],
                    unique=False)
    # The whole-account lock-out (anyone could trigger it for anyone) is replaced by the counters above.
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_column('locked_until')
        batch.drop_column('failed_logins')
        batch.add_column(sa.Column('totp_secret_cipher', sa.Text(), nullable=True))
        batch.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff_users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_enabled_at')
        batch.drop_column('totp_secret_cipher')
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.drop_index(op.f('ix_staff_login_counters_last_attempt_at'), table_name='staff_login_counters')
    op.drop_table('staff_login_counters')
