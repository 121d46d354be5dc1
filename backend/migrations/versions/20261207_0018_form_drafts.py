"""form drafts: a half-filled form kept (encrypted) for the verified phone that filled it, for 30 days

Revision ID: 0018
Revises: 0017 (urgent call-backs)
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'form_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_phone_hash', sa.String(length=64), nullable=False),
        sa.Column('form', sa.String(length=32), nullable=False),
        sa.Column('subject_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=64), nullable=False),
        sa.Column('answers_cipher', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
        sa.UniqueConstraint('owner_phone_hash', 'form', 'subject_hash', name='uq_form_drafts_owner_subject'),
    )
    op.create_index(op.f('ix_form_drafts_owner_phone_hash'), 'form_drafts', ['owner_phone_hash'], unique=False)
    op.create_index(op.f('ix_form_drafts_expires_at'), 'form_drafts', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_form_drafts_expires_at'), table_name='form_drafts')
    op.drop_index(op.f('ix_form_drafts_owner_phone_hash'), table_name='form_drafts')
    op.drop_table('form_drafts')
