"""stored documents: each kept photo (who uploaded it, how large, when), the count behind the daily upload limit

Revision ID: 0020
Revises: 0018 (form drafts; the lead re-chains at integration)
Create Date: 2026-12-08 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'stored_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file', sa.String(length=80), nullable=False),
        sa.Column('owner', sa.String(length=80), nullable=False),
        sa.Column('purpose', sa.String(length=24), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_documents')),
    )
    op.create_index(op.f('ix_stored_documents_owner'), 'stored_documents', ['owner'], unique=False)
    op.create_index(op.f('ix_stored_documents_created_at'), 'stored_documents', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_stored_documents_created_at'), table_name='stored_documents')
    op.drop_index(op.f('ix_stored_documents_owner'), table_name='stored_documents')
    op.drop_table('stored_documents')
