"""admin: hotspot reviews, transcript corrections, admin audit (reserved for the admin web work)

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
    pass


def downgrade():
    pass
