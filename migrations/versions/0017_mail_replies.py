"""calendar replies and bounces read from the KTS mailbox: answers, undeliverable addresses,
processed messages

Revision ID: 0017_mail_replies
Revises: 0016_event_uids
Create Date: 2026-12-07 02:10:00

"""
from alembic import op
import sqlalchemy as sa

from startsmart.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0017_mail_replies'
down_revision = '0016_event_uids'
branch_labels = None
depends_on = None

ANSWERS = ('accepted', 'tentative', 'declined')


def upgrade():
    op.create_table(
        'processed_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=998), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=200), nullable=False),
        sa.Column('processed_at', UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_processed_mail')),
        sa.UniqueConstraint('message_id', name=op.f('uq_processed_mail_message_id')),
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undeliverable_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('undeliverable_reason', sa.String(length=300), nullable=True)
        )
    for table in ('registration', 'consultation'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    'answer',
                    sa.Enum(*ANSWERS, name='answer', native_enum=False, create_constraint=True,
                            length=32),
                    nullable=True,
                )
            )
            batch_op.add_column(sa.Column('answered_at', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    for table in ('consultation', 'registration'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('answered_at')
            batch_op.drop_constraint(op.f(f'ck_{table}_answer'), type_='check')
            batch_op.drop_column('answer')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('undeliverable_reason')
        batch_op.drop_column('undeliverable_at')
    op.drop_table('processed_mail')
