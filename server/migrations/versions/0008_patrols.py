"""patrols: grid checklists, patrol tasks and their items (reserved for the mobile/patrol work)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
