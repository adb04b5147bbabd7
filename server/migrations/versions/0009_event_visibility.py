"""event visibility (reserved; filled in by the change that needs it)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:15:00

"""

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
