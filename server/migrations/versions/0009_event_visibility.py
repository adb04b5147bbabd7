"""event visibility: every case event says whether the public may see it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:15:00

Earlier events get the rule of ``server.models.cases.default_public``: an event that moved the case to another
status (or opened it) is public, the others (internal notes, ratings, verification, regrading, ...) are not. No
earlier event carries a ``public_reply``. Their hashes stay valid: the hash leaves the flag out when it equals
the rule's answer.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.false()))
    events = sa.table('case_events', sa.column('public', sa.Boolean()), sa.column('from_status', sa.String()),
                      sa.column('to_status', sa.String()))
    op.execute(events.update().where(sa.or_(events.c.from_status.is_(None),
                                            events.c.from_status != events.c.to_status)).values(public=True))


def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_column('public')
