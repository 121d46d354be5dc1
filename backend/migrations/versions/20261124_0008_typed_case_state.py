"""typed case state: the `progress` JSON bag becomes columns and tables, its data carried over

Key → place:
  returns → applications.returns_count; missing → applications.missing_materials;
  home_visit {investigators, visited_on, video} → applications.home_visit_*;
  economic_check → applications.economic_check_results; publicity_from/until, proposed_amount → columns;
  spot_check {by, on, note} → applications.spot_check_*; first_payment_month, advance_amount → columns;
  objection, objection_history, democratic_review → publicity_objections rows;
  phase_out {from_month, amounts} → phase_out_months rows;
  suspension_proposed {on, reason, due} → suspension_proposals row;
  economic_check_report → economic_check_reports row;
  decision {outcome, amount} → dropped: the same facts are the application's row in decisions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 17:00:00
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KNOWN_KEYS = {
    'returns', 'missing', 'home_visit', 'economic_check', 'publicity_from', 'publicity_until', 'proposed_amount',
    'objection', 'objection_history', 'democratic_review', 'spot_check', 'decision', 'first_payment_month',
    'advance_amount', 'phase_out', 'suspension_proposed', 'economic_check_report',
}

applications = sa.table(
    'applications', sa.column('id', sa.Integer), sa.column('progress', sa.JSON),
    sa.column('returns_count', sa.Integer), sa.column('missing_materials', sa.JSON),
    sa.column('home_visit_on', sa.Date), sa.column('home_visit_investigators', sa.JSON),
    sa.column('home_visit_video', sa.Boolean), sa.column('economic_check_results', sa.JSON),
    sa.column('publicity_from', sa.Date), sa.column('publicity_until', sa.Date),
    sa.column('proposed_amount', sa.Numeric(12, 2)), sa.column('spot_check_by', sa.String),
    sa.column('spot_check_on', sa.Date), sa.column('spot_check_note', sa.Text),
    sa.column('first_payment_month', sa.String), sa.column('advance_amount', sa.Numeric(12, 2)),
)
objections = sa.table(
    'publicity_objections', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
    sa.column('note', sa.Text), sa.column('raised_on', sa.Date), sa.column('is_open', sa.Boolean),
    sa.column('closed_on', sa.Date), sa.column('democratic_review', sa.Text),
)
phase_out = sa.table(
    'phase_out_months', sa.column('application_id', sa.Integer), sa.column('month', sa.String),
    sa.column('amount', sa.Numeric(12, 2)),
)
proposals = sa.table(
    'suspension_proposals', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
    sa.column('proposed_by', sa.String), sa.column('proposed_on', sa.Date), sa.column('reason', sa.Text),
    sa.column('due_on', sa.Date), sa.column('decided_on', sa.Date), sa.column('decision', sa.String),
)
reports = sa.table(
    'economic_check_reports', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
    sa.column('ran_at', sa.DateTime(timezone=True)), sa.column('report', sa.JSON),
)

def _columns() -> list[sa.Column]:
    return [
        sa.Column('returns_count', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('missing_materials', sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column('home_visit_on', sa.Date(), nullable=True),
        sa.Column('home_visit_investigators', sa.JSON(), nullable=True),
        sa.Column('home_visit_video', sa.Boolean(), nullable=True),
        sa.Column('economic_check_results', sa.JSON(), nullable=True),
        sa.Column('publicity_from', sa.Date(), nullable=True),
        sa.Column('publicity_until', sa.Date(), nullable=True),
        sa.Column('proposed_amount', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('spot_check_by', sa.String(length=64), nullable=True),
        sa.Column('spot_check_on', sa.Date(), nullable=True),
        sa.Column('spot_check_note', sa.Text(), nullable=True),
        sa.Column('first_payment_month', sa.String(length=7), nullable=True),
        sa.Column('advance_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    ]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _money(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _text(value: Decimal) -> str:
    return format(Decimal(str(value)).normalize(), 'f')  # 470.00 → "470", as the bag held it


def _add_month(month: str, n: int) -> str:
    y, m = (int(x) for x in month.split('-'))
    index = y * 12 + m - 1 + n
    return f'{index // 12}-{index % 12 + 1:02d}'


def _create_tables() -> None:
    op.create_table('publicity_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('democratic_review', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_publicity_objections_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publicity_objections'))
    )
    op.create_index(op.f('ix_publicity_objections_application_id'), 'publicity_objections', ['application_id'])
    op.create_table('phase_out_months',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_phase_out_months_application_id_applications')),
    sa.PrimaryKeyConstraint('application_id', 'month', name=op.f('pk_phase_out_months'))
    )
    op.create_table('suspension_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_suspension_proposals_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suspension_proposals'))
    )
    op.create_index(op.f('ix_suspension_proposals_application_id'), 'suspension_proposals', ['application_id'])
    op.create_table('economic_check_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('ran_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_economic_check_reports_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_economic_check_reports'))
    )
    op.create_index(op.f('ix_economic_check_reports_application_id'), 'economic_check_reports', ['application_id'])


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        for column in _columns():
            batch.add_column(column)
    _create_tables()

    conn = op.get_bind()
    for app_id, bag in conn.execute(sa.select(applications.c.id, applications.c.progress)).all():
        bag = bag or {}
        unknown = set(bag) - KNOWN_KEYS
        if unknown:
            raise RuntimeError(f'application {app_id}: progress keys with no typed place {sorted(unknown)}; '
                               'add them to migration 0008 before upgrading')
        visit = bag.get('home_visit') or {}
        spot = bag.get('spot_check') or {}
        conn.execute(applications.update().where(applications.c.id == app_id).values(
            returns_count=int(bag.get('returns') or 0),
            missing_materials=list(bag.get('missing') or []),
            home_visit_on=_day(visit.get('visited_on')) if visit else None,
            home_visit_investigators=list(visit.get('investigators') or []) if visit else None,
            home_visit_video=bool(visit.get('video', False)) if visit else None,
            economic_check_results=bag.get('economic_check') or None,
            publicity_from=_day(bag.get('publicity_from')), publicity_until=_day(bag.get('publicity_until')),
            proposed_amount=_money(bag.get('proposed_amount')),
            spot_check_by=spot.get('by'), spot_check_on=_day(spot.get('on')), spot_check_note=spot.get('note'),
            first_payment_month=bag.get('first_payment_month'), advance_amount=_money(bag.get('advance_amount')),
        ))
        history = list(bag.get('objection_history') or [])
        for i, note in enumerate(history):
            conn.execute(objections.insert().values(
                application_id=app_id, note=note, is_open=False,
                democratic_review=bag.get('democratic_review') if i == len(history) - 1 else None))
        if bag.get('objection'):
            conn.execute(objections.insert().values(application_id=app_id, note=bag['objection'], is_open=True))
        if (phase := bag.get('phase_out')) and phase.get('amounts'):
            conn.execute(phase_out.insert(), [
                {'application_id': app_id, 'month': _add_month(phase['from_month'], i), 'amount': _money(a)}
                for i, a in enumerate(phase['amounts'])
            ])
        if proposal := bag.get('suspension_proposed'):
            conn.execute(proposals.insert().values(
                application_id=app_id, proposed_by='system', proposed_on=_day(proposal.get('on')) or sa.func.current_date(),
                reason=proposal.get('reason') or '', due_on=_day(proposal.get('due'))))
        if report := bag.get('economic_check_report'):
            # When it ran was never kept: the migration's moment (UTC on both databases) stands in.
            conn.execute(reports.insert().values(application_id=app_id, ran_at=sa.func.current_timestamp(), report=report))

    with op.batch_alter_table('applications') as batch:
        batch.drop_column('progress')


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('progress', sa.JSON(), nullable=True))

    conn = op.get_bind()
    decisions = sa.table('decisions', sa.column('application_id', sa.Integer), sa.column('outcome', sa.String),
                         sa.column('monthly_amount', sa.Numeric(12, 2)))
    decided = {a: (o, m) for a, o, m in conn.execute(sa.select(decisions.c.application_id, decisions.c.outcome,
                                                                 decisions.c.monthly_amount))}
    by_app: dict[int, dict[str, list]] = {}
    for table, order in ((objections, objections.c.id), (phase_out, phase_out.c.month), (proposals, proposals.c.id),
                         (reports, reports.c.id)):
        for row in conn.execute(sa.select(table).order_by(order)).mappings():
            by_app.setdefault(row['application_id'], {}).setdefault(table.name, []).append(row)
    for row in conn.execute(sa.select(applications)).mappings().all():
        app_id = row['id']
        rows = by_app.get(app_id, {})
        bag: dict = {'returns': row['returns_count'] or 0}
        if row['missing_materials']:
            bag['missing'] = row['missing_materials']
        if row['home_visit_on'] is not None:
            bag['home_visit'] = {'investigators': row['home_visit_investigators'] or [],
                                 'visited_on': row['home_visit_on'].isoformat(), 'video': bool(row['home_visit_video'])}
        if row['economic_check_results']:
            bag['economic_check'] = row['economic_check_results']
        for key in ('publicity_from', 'publicity_until'):
            if row[key] is not None:
                bag[key] = row[key].isoformat()
        if row['spot_check_on'] is not None:
            bag['spot_check'] = {'by': row['spot_check_by'], 'on': row['spot_check_on'].isoformat(),
                                 'note': row['spot_check_note']}
        for key in ('proposed_amount', 'advance_amount'):
            if row[key] is not None:
                bag[key] = _text(row[key])
        if row['first_payment_month']:
            bag['first_payment_month'] = row['first_payment_month']
        closed = [o for o in rows.get('publicity_objections', []) if not o['is_open']]
        opened = [o for o in rows.get('publicity_objections', []) if o['is_open']]
        if closed:
            bag['objection_history'] = [o['note'] for o in closed]
            if closed[-1]['democratic_review']:
                bag['democratic_review'] = closed[-1]['democratic_review']
        if opened:
            bag['objection'] = opened[-1]['note']
        if months := rows.get('phase_out_months'):
            bag['phase_out'] = {'from_month': months[0]['month'], 'amounts': [_text(m['amount']) for m in months]}
        if open_proposals := [p for p in rows.get('suspension_proposals', []) if p['decided_on'] is None]:
            p = open_proposals[-1]
            bag['suspension_proposed'] = {'on': p['proposed_on'].isoformat(), 'reason': p['reason'],
                                          'due': p['due_on'].isoformat() if p['due_on'] else None}
        if found := rows.get('economic_check_reports'):
            bag['economic_check_report'] = found[-1]['report']
        if app_id in decided:
            outcome, amount = decided[app_id]
            bag['decision'] = {'outcome': outcome, 'amount': _text(amount) if amount is not None else None}
        conn.execute(applications.update().where(applications.c.id == app_id).values(progress=bag))

    for name in ('economic_check_reports', 'suspension_proposals', 'phase_out_months', 'publicity_objections'):
        op.drop_table(name)
    with op.batch_alter_table('applications') as batch:
        batch.alter_column('progress', existing_type=sa.JSON(), nullable=False)
        for column in reversed(_columns()):
            batch.drop_column(column.name)
