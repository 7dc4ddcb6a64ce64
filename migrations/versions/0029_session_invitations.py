"""personal conference calendar: one calendar entry (UID, SEQUENCE, what was sent) per
participant and chosen session

Revision ID: 0029_session_invitations
Revises: 0028_session_materials
Create Date: 2026-12-07 12:30:00

"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0029_session_invitations'
down_revision = '0028_session_materials'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'session_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('ical_uid', sa.String(length=320), nullable=True),
        sa.Column('ical_sequence', sa.Integer(), nullable=False),
        sa.Column(
            'state',
            sa.Enum('active', 'cancelled', name='state', native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('starts_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('room', sa.String(length=200), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'ical_sequence >= 0', name=op.f('ck_session_invitation_sequence_not_negative')
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_session_invitation_registration_id_registration'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['conference_session.id'],
            name=op.f('fk_session_invitation_session_id_conference_session'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_session_invitation')),
        sa.UniqueConstraint(
            'registration_id', 'session_id', name=op.f('uq_session_invitation_registration_id_session_id')
        ),
    )
    with op.batch_alter_table('session_invitation', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_session_invitation_ical_uid'), ['ical_uid'], unique=True
        )
        batch_op.create_index(
            batch_op.f('ix_session_invitation_registration_id'), ['registration_id'],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f('ix_session_invitation_session_id'), ['session_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('session_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_invitation_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_invitation_registration_id'))
        batch_op.drop_index(batch_op.f('ix_session_invitation_ical_uid'))
    op.drop_table('session_invitation')
