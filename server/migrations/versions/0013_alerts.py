"""alerts: early warnings (预警) for supervisors

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:00:00

One row per alert the detector raised: a grid × category count far above its seasonal baseline, or a hotspot growing
faster than its own history, with its evidence (count, expected, score, window, the reports it cites). The same alert
on the same trigger report is stored once; alerts of one episode share a key.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('area_code', sa.String(length=40), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('hotspot_id', sa.Integer(), nullable=True),
    sa.Column('trigger_report_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('window_hours', sa.Float(), nullable=False),
    sa.Column('report_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['areas.id'], name=op.f('fk_alerts_grid_id_areas'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_alerts_category_id_categories'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspots.id'], name=op.f('fk_alerts_hotspot_id_hotspots'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trigger_report_id'], ['reports.id'], name=op.f('fk_alerts_trigger_report_id_reports'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('kind', 'trigger_report_id', name='uq_alerts_kind_trigger_report_id'))
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_key_raised_at', ['key', 'raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_raised_at'), ['raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_hotspot_id'), ['hotspot_id'], unique=False)


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_hotspot_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_grid_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_raised_at'))
        batch_op.drop_index('ix_alerts_key_raised_at')
    op.drop_table('alerts')
