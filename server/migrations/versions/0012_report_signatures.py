"""report signatures: bounded work per report (H3 cell and text signature on reports, people counted as they come)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:00:00

Near-duplicate search reads the newest reports of a few H3 cells (or of a named place) through indexes on (cell,
created_at) and (place_code, created_at), and compares stored text signatures. A case counts the people behind its
own reports in case_reporters, a hotspot those among its members in hotspot_reporters: a report adds itself, nothing
is counted again. Existing reports get their cell here; their signatures are computed when first compared.
"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.JSON(), nullable=True))
        batch_op.create_index('ix_reports_cell_created_at', ['cell', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_place_code_created_at', ['place_code', 'created_at'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_reporters', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('hotspots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporters', sa.Integer(), server_default='0', nullable=False))
    op.create_table('case_reporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reporters_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_case_reporters_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_case_reporters_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reporters')),
    sa.UniqueConstraint('case_id', 'reporter_id', name='uq_case_reporters_case_id_reporter_id')
    )
    with op.batch_alter_table('case_reporters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reporters_report_id'), ['report_id'], unique=False)
    op.create_table('hotspot_reporters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hotspot_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspots.id'], name=op.f('fk_hotspot_reporters_hotspot_id_hotspots'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_hotspot_reporters_report_id_reports'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_hotspot_reporters_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotspot_reporters')),
    sa.UniqueConstraint('hotspot_id', 'reporter_id', name='uq_hotspot_reporters_hotspot_id_reporter_id')
    )
    with op.batch_alter_table('hotspot_reporters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotspot_reporters_report_id'), ['report_id'], unique=False)
    _backfill()


def _backfill():
    """Cells of located reports; the people behind each case's own reports and among each hotspot's members."""
    import h3
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT id, lat, lon FROM reports WHERE lat IS NOT NULL AND lon IS NOT NULL')).all()
    cells = [{'id': r.id, 'cell': h3.latlng_to_cell(r.lat, r.lon, 8)} for r in rows
             if -90 <= r.lat <= 90 and -180 <= r.lon <= 180]
    if cells:
        bind.execute(sa.text('UPDATE reports SET cell = :cell WHERE id = :id'), cells)
    for table, key in (('case_reporters', 'case_id'), ('hotspot_reporters', 'hotspot_id')):
        bind.execute(sa.text(
            f'INSERT INTO {table} ({key}, reporter_id, report_id) SELECT {key}, reporter_id, MIN(id) FROM reports '
            f'WHERE {key} IS NOT NULL AND reporter_id IS NOT NULL GROUP BY {key}, reporter_id'))
        bind.execute(sa.text(
            f'INSERT INTO {table} ({key}, reporter_id, report_id) SELECT {key}, NULL, id FROM reports '
            f'WHERE {key} IS NOT NULL AND reporter_id IS NULL'))
    bind.execute(sa.text('UPDATE cases SET own_reporters = (SELECT COUNT(*) FROM case_reporters '
                         'WHERE case_reporters.case_id = cases.id) WHERE id IN (SELECT case_id FROM case_reporters)'))
    bind.execute(sa.text('UPDATE hotspots SET reporters = (SELECT COUNT(*) FROM hotspot_reporters '
                         'WHERE hotspot_reporters.hotspot_id = hotspots.id)'))


@contextmanager
def _no_cascades():
    """On SQLite a column is dropped by copying the table: dropping the old one must not cascade (as in 0011)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    with op.get_context().autocommit_block():  # the pragma is ignored inside a transaction
        op.execute('PRAGMA foreign_keys=OFF')
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('migration 0012 needs SQLite foreign keys off while it copies tables')
    try:
        yield
    finally:
        with op.get_context().autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def downgrade():
    op.drop_table('hotspot_reporters')
    op.drop_table('case_reporters')
    with _no_cascades():
        _drop_columns()


def _drop_columns():
    with op.batch_alter_table('hotspots', schema=None) as batch_op:
        batch_op.drop_column('reporters')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('own_reporters')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_place_code_created_at')
        batch_op.drop_index('ix_reports_cell_created_at')
        batch_op.drop_column('signature')
        batch_op.drop_column('cell')
