"""patrols: grid checklists, patrol tasks and their items (reserved for the mobile/patrol work)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

UTC = server.models.types.UTCDateTime(timezone=True)


def upgrade():
    op.create_table('checklist_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_type', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_templates')),
    sa.UniqueConstraint('place_type', name=op.f('uq_checklist_templates_place_type'))
    )

    op.create_table('patrol_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('place_type', sa.String(length=40), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], name=op.f('fk_patrol_places_grid_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_places')),
    sa.UniqueConstraint('grid_id', 'name', name=op.f('uq_patrol_places_grid_id'))
    )
    with op.batch_alter_table('patrol_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_places_grid_id'), ['grid_id'], unique=False)

    op.create_table('patrol_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('completed_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['worker_id'], ['users.id'], name=op.f('fk_patrol_tasks_worker_id_users')),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], name=op.f('fk_patrol_tasks_grid_id_areas')),
    sa.ForeignKeyConstraint(['place_id'], ['patrol_places.id'], name=op.f('fk_patrol_tasks_place_id_patrol_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_tasks')),
    sa.UniqueConstraint('worker_id', 'place_id', 'due_date', name=op.f('uq_patrol_tasks_worker_id'))
    )
    with op.batch_alter_table('patrol_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_tasks_worker_id'), ['worker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_tasks_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_tasks_place_id'), ['place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_tasks_due_date'), ['due_date'], unique=False)

    op.create_table('patrol_item_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('report_client_uuid', sa.String(length=36), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', UTC, nullable=False),
    sa.Column('recorded_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['patrol_tasks.id'], name=op.f('fk_patrol_item_results_task_id_patrol_tasks'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_patrol_item_results_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_item_results')),
    sa.UniqueConstraint('task_id', 'item_code', name=op.f('uq_patrol_item_results_task_id'))
    )
    with op.batch_alter_table('patrol_item_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_item_results_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_item_results_report_client_uuid'), ['report_client_uuid'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_item_results_report_id'), ['report_id'], unique=False)


def downgrade():
    for table, indexes in (
            ('patrol_item_results', ('report_id', 'report_client_uuid', 'task_id')),
            ('patrol_tasks', ('due_date', 'place_id', 'grid_id', 'worker_id')),
            ('patrol_places', ('grid_id',))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    op.drop_table('checklist_templates')
