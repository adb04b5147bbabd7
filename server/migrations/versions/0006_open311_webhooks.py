"""open311: api keys, department webhooks and their deliveries (reserved for the interoperability work)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
