"""hotspots.updated_at indexed: the assignment state's version query reads it on every worker's re-check

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:15:00

The per-process hotspot state is rebuilt when ``count(*), max(updated_at)`` of hotspots changes; with this index
PostgreSQL answers both from indexes instead of scanning the table, as a report's every statement must.
"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_hotspots_updated_at'), 'hotspots', ['updated_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_hotspots_updated_at'), table_name='hotspots')
