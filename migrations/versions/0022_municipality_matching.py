"""staff decided a typed municipality is its own Kommune (not one of the directory's)

Revision ID: 0022_municipality_matching
Revises: 0023_model_projects
Create Date: 2026-12-07 05:30:00

"""
from alembic import op
import sqlalchemy as sa

from startsmart.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0022_municipality_matching'
down_revision = '0023_model_projects'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kept_at', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('kept_at')
