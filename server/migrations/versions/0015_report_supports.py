"""report supports: 我也遇到了, a person's support for an open report near them

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00

One row per person and report (a re-send from the phone carries the same client UUID). A supporter is also counted
among the people behind the report's case (case_reporters) and hotspot (hotspot_reporters), as a reporter is.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_supports_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_supports_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_supports')),
    sa.UniqueConstraint('report_id', 'user_id', name='uq_report_supports_report_id_user_id'),
    sa.UniqueConstraint('user_id', 'client_uuid', name='uq_report_supports_user_id_client_uuid'))
    with op.batch_alter_table('report_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_supports_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_supports_report_id'))
    op.drop_table('report_supports')
