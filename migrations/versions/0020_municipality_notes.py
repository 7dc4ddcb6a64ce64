"""staff notes on a municipality's page

Revision ID: 0020_municipality_notes
Revises: 0019_directory
Create Date: 2026-12-07 02:40:00

"""
from alembic import op
import sqlalchemy as sa

from startsmart.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0020_municipality_notes'
down_revision = '0019_directory'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'municipality_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['staff_user.id'],
            name=op.f('fk_municipality_note_author_id_staff_user'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['municipality_id'], ['municipality.id'],
            name=op.f('fk_municipality_note_municipality_id_municipality'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_note')),
    )
    with op.batch_alter_table('municipality_note', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_municipality_note_municipality_id'), ['municipality_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('municipality_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_note_municipality_id'))
    op.drop_table('municipality_note')
