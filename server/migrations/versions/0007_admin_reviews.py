"""admin: hotspot reviews, transcript corrections, admin audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hotspot_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hotspot_id', sa.Integer(), nullable=True),
    sa.Column('hotspot_key', sa.String(length=32), nullable=True),
    sa.Column('hotspot_label', sa.String(length=120), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hotspot_id'], ['hotspots.id'], name=op.f('fk_hotspot_reviews_hotspot_id_hotspots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_hotspot_reviews_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotspot_reviews'))
    )
    with op.batch_alter_table('hotspot_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotspot_reviews_hotspot_id'), ['hotspot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hotspot_reviews_created_at'), ['created_at'], unique=False)

    op.create_table('transcript_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transcript_id', sa.Integer(), nullable=False),
    sa.Column('previous_text', sa.Text(), nullable=False),
    sa.Column('corrected_text', sa.Text(), nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['transcript_id'], ['transcripts.id'], name=op.f('fk_transcript_corrections_transcript_id_transcripts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_transcript_corrections_corrected_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transcript_corrections'))
    )
    with op.batch_alter_table('transcript_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transcript_corrections_transcript_id'), ['transcript_id'], unique=False)

    op.create_table('admin_audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_admin_audit_log_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_audit_log'))
    )
    with op.batch_alter_table('admin_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_audit_log_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_audit_log_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('admin_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_admin_audit_log_action'))
        batch_op.drop_index(batch_op.f('ix_admin_audit_log_user_id'))
    op.drop_table('admin_audit_log')
    with op.batch_alter_table('transcript_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transcript_corrections_transcript_id'))
    op.drop_table('transcript_corrections')
    with op.batch_alter_table('hotspot_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotspot_reviews_created_at'))
        batch_op.drop_index(batch_op.f('ix_hotspot_reviews_hotspot_id'))
    op.drop_table('hotspot_reviews')
