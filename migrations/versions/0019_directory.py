"""the official municipality directory (Destatis Gemeindeverzeichnis) on the municipality rows:
regional key, figures, coordinates, and the mark of municipalities that no longer exist

Revision ID: 0019_directory
Revises: 0018_join_links
Create Date: 2026-12-07 02:30:00

"""
from alembic import op
import sqlalchemy as sa

from startsmart.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0019_directory'
down_revision = '0018_join_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ars', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('population', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('area_km2', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('urbanisation', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('dissolved_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_municipality_ars'), ['ars'])


def downgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_municipality_ars'), type_='unique')
        for column in ('dissolved_at', 'urbanisation', 'longitude', 'latitude', 'postcode',
                       'area_km2', 'population', 'ars'):
            batch_op.drop_column(column)
