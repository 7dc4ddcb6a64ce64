"""conference programme: sessions with time, room, kind, speakers and places

Revision ID: 0026_conference_sessions
Revises: 0025_colleagues_apart
Create Date: 2026-12-07 07:00:00

"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0026_conference_sessions'
down_revision = '0025_colleagues_apart'
branch_labels = None
depends_on = None

_KINDS = ('plenary', 'workshop', 'world_cafe', 'speed_dating', 'onsite_consultations', 'break')


def upgrade():
    op.create_table(
        'conference_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(*_KINDS, name='session_kind', native_enum=False, create_constraint=True,
                    length=32),
            nullable=False,
        ),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('title_en', sa.String(length=200), nullable=False),
        sa.Column('room', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('description_en', sa.Text(), nullable=False),
        sa.Column('speakers', sa.Text(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'capacity IS NULL OR capacity > 0',
            name=op.f('ck_conference_session_capacity_positive'),
        ),
        sa.CheckConstraint(
            'ends_at > starts_at', name=op.f('ck_conference_session_ends_after_start')
        ),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_conference_session_conference_id_conference'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_session')),
    )
    with op.batch_alter_table('conference_session', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_conference_session_conference_id'), ['conference_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('conference_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_session_conference_id'))
    op.drop_table('conference_session')
