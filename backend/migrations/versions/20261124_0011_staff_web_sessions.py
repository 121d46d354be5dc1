"""staff web sessions: the workbench's server-side, revocable browser sessions (token hashed at rest)

Revision ID: 0011
Revises: 0010 (pending references)
Create Date: 2026-11-24 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'staff_web_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_staff_web_sessions_staff_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_web_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_web_sessions_token_hash')),
    )
    op.create_index(op.f('ix_staff_web_sessions_staff_id'), 'staff_web_sessions', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_staff_web_sessions_staff_id'), table_name='staff_web_sessions')
    op.drop_table('staff_web_sessions')
