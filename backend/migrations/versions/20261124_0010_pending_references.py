"""pending references: an ID card photo a helper uploaded counts only once a caseworker confirms it

face_references gains status (confirmed | pending; every existing row is confirmed, as it counted before),
the delegation it was uploaded under, and when and why a caseworker confirmed it (who: verified_by_staff_id).

Revision ID: 0010
Revises: 0009 (gazetteer areas)
Create Date: 2026-11-24 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('face_references') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='confirmed'))
        batch.add_column(sa.Column('delegation_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('review_reason', sa.String(length=200), nullable=True))
        batch.create_foreign_key(op.f('fk_face_references_delegation_id_delegations'), 'delegations', ['delegation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('face_references') as batch:
        batch.drop_constraint(op.f('fk_face_references_delegation_id_delegations'), type_='foreignkey')
        batch.drop_column('review_reason')
        batch.drop_column('reviewed_at')
        batch.drop_column('delegation_id')
        batch.drop_column('status')
