"""service desk work: complaints and call-backs get a status of the desk's steps, an owner, the answer

Statuses become new | in_progress | answered | closed (backend/service_desk/service.py owns them): the old
"open" is "new", the old "done" is "closed". Complaints get done_at like call-backs.

Revision ID: 0012
Revises: 0011 (staff web sessions)
Create Date: 2026-11-24 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('callback_requests', 'complaints')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
            if table == 'complaints':
                batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_owner_id_staff_users'), 'staff_users', ['owner_id'], ['id'])
        op.execute(sa.text(f"UPDATE {table} SET status = 'new' WHERE status = 'open'"))
        op.execute(sa.text(f"UPDATE {table} SET status = 'closed' WHERE status = 'done'"))


def downgrade() -> None:
    for table in TABLES:
        op.execute(sa.text(f"UPDATE {table} SET status = 'open' WHERE status IN ('new', 'in_progress', 'answered')"))
        op.execute(sa.text(f"UPDATE {table} SET status = 'done' WHERE status = 'closed'"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_owner_id_staff_users'), type_='foreignkey')
            batch_op.drop_column('owner_id')
            if table == 'complaints':
                batch_op.drop_column('done_at')
            batch_op.drop_column('answered_at')
            batch_op.drop_column('answer')
