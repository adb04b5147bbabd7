"""data sharing (集中式数据共享): departments' dataset requests and their grants, export links and API keys, accesses

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 16:50:00

share_requests holds what a department asked for (kind, categories, areas, period, personal data, purpose, use
until) and what a supervisor or admin granted (the same or narrower), refused or revoked. share_credentials holds the
time-limited links and keys of approved requests (only a hash of each secret). share_accesses logs every use.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table('share_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    _when('period_from', False),
    _when('period_to', False),
    sa.Column('personal_data', sa.Boolean(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    _when('use_until', False),
    sa.Column('status', sa.String(length=16), nullable=False),
    _when('created_at', False),
    sa.Column('granted_categories', sa.JSON(), nullable=True),
    sa.Column('granted_areas', sa.JSON(), nullable=True),
    _when('granted_from'),
    _when('granted_to'),
    sa.Column('granted_personal', sa.Boolean(), nullable=True),
    _when('granted_until'),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    _when('reviewed_at'),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    _when('revoked_at'),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_share_requests_requester_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_share_requests_department_id_departments')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_share_requests_reviewer_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_share_requests_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_requests')))
    with op.batch_alter_table('share_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_created_at'), ['created_at'], unique=False)

    op.create_table('share_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    _when('created_at', False),
    _when('expires_at', False),
    _when('revoked_at'),
    _when('last_used_at'),
    sa.ForeignKeyConstraint(['request_id'], ['share_requests.id'],
                            name=op.f('fk_share_credentials_request_id_share_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_share_credentials_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_credentials')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_share_credentials_secret_hash')))
    with op.batch_alter_table('share_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_credentials_request_id'), ['request_id'], unique=False)

    op.create_table('share_accesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    _when('at', False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('format', sa.String(length=8), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['share_requests.id'],
                            name=op.f('fk_share_accesses_request_id_share_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credential_id'], ['share_credentials.id'],
                            name=op.f('fk_share_accesses_credential_id_share_credentials'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_share_accesses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_accesses')))
    with op.batch_alter_table('share_accesses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_accesses_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_accesses_credential_id'), ['credential_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_accesses_at'), ['at'], unique=False)


def downgrade():
    op.drop_table('share_accesses')
    op.drop_table('share_credentials')
    op.drop_table('share_requests')
