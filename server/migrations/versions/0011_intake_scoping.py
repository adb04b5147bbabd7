"""intake scoping: a report's client_uuid is unique per reporter, not across everyone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:15:00

Before, a re-send was recognised by the UUID alone, so another account posting the same UUID was answered with
the first reporter's report. Existing rows stay as they are (they were unique globally, so they are unique per
reporter too).
"""
from contextlib import contextmanager

from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


@contextmanager
def _no_cascades():
    """On SQLite the table is copied and the old one dropped: dropping must not cascade to media or events."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    with op.get_context().autocommit_block():  # the pragma is ignored inside a transaction
        op.execute('PRAGMA foreign_keys=OFF')
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('migration 0011 needs SQLite foreign keys off while it copies the reports table')
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def upgrade():
    with _no_cascades(), op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reports_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_reports_reporter_id_client_uuid', ['reporter_id', 'client_uuid'])


def downgrade():
    with _no_cascades(), op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reports_reporter_id_client_uuid', type_='unique')
        batch_op.create_unique_constraint('uq_reports_client_uuid', ['client_uuid'])
