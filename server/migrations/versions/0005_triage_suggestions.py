"""triage: classifier suggestions for manual dispatch, severity reasons and how many people report a case

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 00:20:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suggestions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('classifier', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('severity_reasons', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('reporters', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('reporters')
        batch_op.drop_column('severity_reasons')
        batch_op.drop_column('classifier')
        batch_op.drop_column('suggestions')
