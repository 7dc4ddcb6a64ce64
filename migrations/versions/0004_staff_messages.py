"""staff messages: what staff wrote to the people registered for a date

Revision ID: 0004_staff_messages
Revises: 0003_registrations
Create Date: 2026-11-26 11:04:13.478251

"""
from alembic import op
import sqlalchemy as sa

import startsmart.database


# revision identifiers, used by Alembic.
revision = '0004_staff_messages'
down_revision = '0003_registrations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_date_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('statuses', sa.String(length=100), nullable=False),
    sa.Column('created_at', startsmart.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('recipients >= 0', name=op.f('ck_staff_message_recipients_not_negative')),
    sa.ForeignKeyConstraint(['event_date_id'], ['event_date.id'], name=op.f('fk_staff_message_event_date_id_event_date')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['staff_user.id'], name=op.f('fk_staff_message_sent_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_message'))
    )
    with op.batch_alter_table('staff_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_message_event_date_id'), ['event_date_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_message_event_date_id'))
    op.drop_table('staff_message')
