"""wechat: bindings of OpenIDs to verified phones; notices record their channel and WeChat template message

Revision ID: 0013
Revises: 0012 (service desk work)
Create Date: 2026-11-25 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'wechat_bindings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('openid_hash', sa.String(length=64), nullable=False),
        sa.Column('openid_cipher', sa.String(length=255), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=True),
        sa.Column('phone_masked', sa.String(length=11), nullable=True),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('bound_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unbound_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('subscribed', sa.Boolean(), nullable=False),
        sa.Column('subscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_wechat_bindings_person_id_persons')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_bindings')),
        sa.UniqueConstraint('openid_hash', name=op.f('uq_wechat_bindings_openid_hash')),
    )
    op.create_index(op.f('ix_wechat_bindings_phone_hash'), 'wechat_bindings', ['phone_hash'], unique=False)
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='sms', nullable=False))
        batch_op.add_column(sa.Column('wechat_message', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_column('wechat_message')
        batch_op.drop_column('channel')
    op.drop_index(op.f('ix_wechat_bindings_phone_hash'), table_name='wechat_bindings')
    op.drop_table('wechat_bindings')
