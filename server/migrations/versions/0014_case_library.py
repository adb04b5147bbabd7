"""case library: stored text vectors of closed cases, model cases (典型案例), reply templates per category

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:30:00

case_library holds one row per case that has closed: its text vector (nlp.similar: hashed character 2-3-grams,
uint32 indices and float16 weights) and the supervisor's model-case mark and summary. reply_templates holds the
admins' templates (shipped ones apply to categories without a row). Cases closed before this revision get their
vectors here, so that a new process loads the library without computing anything.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None
BATCH = 1000


def upgrade():
    op.create_table('case_library',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=True),
    sa.Column('model', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_library_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_case_library_marked_by_id_users')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_library'))
    )
    with op.batch_alter_table('case_library', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_library_model'), ['model'], unique=False)
    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('public_reply', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_reply_templates_category_id_categories'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reply_templates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_templates')),
    sa.UniqueConstraint('category_id', name=op.f('uq_reply_templates_category_id'))
    )
    _vectors_of_closed_cases()


def _vectors_of_closed_cases():
    """Store the vector of every case closed before this revision (the text of its origin report, masked)."""
    from datetime import datetime, timezone

    from nlp.similar import encode  # lazy: only this data step needs numpy, scipy and scikit-learn

    bind = op.get_bind()
    library = sa.table('case_library', sa.column('case_id', sa.Integer), sa.column('vector', sa.LargeBinary),
                       sa.column('model', sa.Boolean), sa.column('updated_at', sa.DateTime(timezone=True)))
    now = datetime.now(timezone.utc)
    if bind.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT c.id, r.text_masked, r.text FROM cases c JOIN reports r ON r.id = c.origin_report_id "
            "WHERE c.status = 'closed' AND c.id > :last ORDER BY c.id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            return
        bind.execute(library.insert(), [
            {"case_id": r[0], "vector": encode(r[1] if r[1] is not None else (r[2] or "")), "model": False,
             "updated_at": now} for r in rows])
        last = rows[-1][0]


def downgrade():
    op.drop_table('reply_templates')
    with op.batch_alter_table('case_library', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_library_model'))
    op.drop_table('case_library')
