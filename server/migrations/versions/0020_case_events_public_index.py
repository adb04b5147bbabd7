"""an index of each case's public events

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 08:00:00

A partial index on ``case_events (case_id, seq) WHERE public``: a reporter's timeline reads only its case's public
events (status changes, public replies), not the event of every report that joined the case.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_case_events_public', 'case_events', ['case_id', 'seq'], unique=False,
                    postgresql_where=sa.text('public'), sqlite_where=sa.text('public'))


def downgrade():
    op.drop_index('ix_case_events_public', table_name='case_events')
