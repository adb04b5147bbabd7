"""the head of each case's event chain on the case row

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 08:20:00

``cases`` gains ``event_seq`` and ``event_hash``: the seq and hash of the case's newest event (0 and the genesis
hash before the first). Appending an event reads them from the locked case row instead of querying the newest event,
and the chain audit checks that they match the last event. Filled from ``case_events`` for existing cases.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('event_hash', sa.String(length=64), server_default=GENESIS, nullable=False))
    # Each case's newest event (the highest seq), in one statement on PostgreSQL and SQLite alike.
    op.execute("""
        UPDATE cases SET
            event_seq = (SELECT e.seq FROM case_events e WHERE e.case_id = cases.id ORDER BY e.seq DESC LIMIT 1),
            event_hash = (SELECT e.hash FROM case_events e WHERE e.case_id = cases.id ORDER BY e.seq DESC LIMIT 1)
        WHERE EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id)
    """)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('event_hash')
        batch_op.drop_column('event_seq')
