"""the client of an unconfirmed registration or booking (keyed hash), to cap them per client

Revision ID: 0014_hold_client
Revises: 0013_pending_person
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_hold_client'
down_revision = '0013_pending_person'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('registration', 'consultation'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('hold_client', sa.String(length=32), nullable=True))
            batch_op.create_index(
                batch_op.f(f'ix_{table}_hold_client'), ['hold_client'], unique=False
            )


def downgrade():
    for table in ('consultation', 'registration'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_hold_client'))
            batch_op.drop_column('hold_client')
