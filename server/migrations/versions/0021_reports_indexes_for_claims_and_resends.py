"""reports: the stage index gains the id; the reporter index gives way to the (reporter, client_uuid) one

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 13:00:00

``reports (stage, id)`` in place of ``reports (stage)``: a drain claims the oldest waiting reports by walking the
waiting ones in id order and stops after those it claims, instead of reading every waiting report's entry and
sorting them (about 10 ms a claim with 10,000 waiting, growing with the backlog). Every query on the stage alone
still uses the new index.

``reports (reporter_id)`` goes: the unique index on ``(reporter_id, client_uuid)`` (migration 0011) serves every
query by reporter, and with both present a cached generic plan looked a re-send up through the reporter's index,
reading every report of the account (a hotline operator's thousands) to find one UUID. One index fewer to write
per report, too.

On 1.8 million reports (a megacity's month) the new index built in about a second; new reports wait that long.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_reports_stage_id', 'reports', ['stage', 'id'], unique=False)
    op.drop_index('ix_reports_stage', table_name='reports')
    op.drop_index('ix_reports_reporter_id', table_name='reports')


def downgrade():
    op.create_index('ix_reports_reporter_id', 'reports', ['reporter_id'], unique=False)
    op.create_index('ix_reports_stage', 'reports', ['stage'], unique=False)
    op.drop_index('ix_reports_stage_id', table_name='reports')
