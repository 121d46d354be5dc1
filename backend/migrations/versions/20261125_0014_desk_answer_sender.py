"""desk answer sender: who sent a complaint's or call-back's answer, and the answer's SMS in the outbox

So the service desk shows an answered request's answer with who sent it, when, and where its SMS is.

Revision ID: 0014
Revises: 0013 (wechat bindings)
Create Date: 2026-11-25 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('callback_requests', 'complaints')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('answered_by_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('answer_notice_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_answered_by_id_staff_users'), 'staff_users',
                                        ['answered_by_id'], ['id'])
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_answer_notice_id_notices'), 'notices',
                                        ['answer_notice_id'], ['id'])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_answer_notice_id_notices'), type_='foreignkey')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_answered_by_id_staff_users'), type_='foreignkey')
            batch_op.drop_column('answer_notice_id')
            batch_op.drop_column('answered_by_id')
