"""join links: an offering's default, an advisor's room, a consultation's own link

An online date may rely on its offering's default link.

Revision ID: 0018_join_links
Revises: 0017_mail_replies
Create Date: 2026-12-07 02:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_join_links'
down_revision = '0017_mail_replies'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_join_url', sa.String(length=500), nullable=True))
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_url', sa.String(length=500), nullable=True))
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_url', sa.String(length=500), nullable=True))
    # A date without venue and own link is online with its offering's link (or one to follow);
    # the services check that a date has a place or a link, which can now be the offering's.
    with op.batch_alter_table('event_date', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_date_has_place_or_link'), type_='check')


def downgrade():
    op.execute(
        "UPDATE event_date SET online_url = (SELECT default_join_url FROM offering"
        " WHERE offering.id = event_date.offering_id)"
        " WHERE online_url IS NULL AND venue IS NULL"
    )
    op.execute("UPDATE event_date SET venue = 'online' WHERE online_url IS NULL AND venue IS NULL")
    with op.batch_alter_table('event_date', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_event_date_has_place_or_link'), 'online_url IS NOT NULL OR venue IS NOT NULL'
        )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('join_url')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('room_url')
    with op.batch_alter_table('offering', schema=None) as batch_op:
        batch_op.drop_column('default_join_url')
