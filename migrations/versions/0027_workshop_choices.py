"""workshop choices: one session per time slot with a choice, seated or waiting; the
conference's "Workshopwahl bis"

Revision ID: 0027_workshop_choices
Revises: 0026_conference_sessions
Create Date: 2026-12-07 12:30:00

"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0027_workshop_choices'
down_revision = '0026_conference_sessions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('choices_close_at', UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        'session_choice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column(
            'status',
            sa.Enum('seated', 'waiting', name='choice_status', native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column('chosen_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('promoted_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('checked_in_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_session_choice_registration_id_registration'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['conference_session.id'],
            name=op.f('fk_session_choice_session_id_conference_session'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_choice')),
        sa.UniqueConstraint(
            'registration_id', 'session_id',
            name=op.f('uq_session_choice_registration_id_session_id'),
        ),
    )
    with op.batch_alter_table('session_choice', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_session_choice_registration_id'), ['registration_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_session_choice_session_id'), ['session_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('session_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_choice_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_choice_registration_id'))
    op.drop_table('session_choice')
    with op.batch_alter_table('conference', schema=None) as batch_op:
        batch_op.drop_column('choices_close_at')
