"""pending person data on registrations and consultations; verified municipalities

Revision ID: 0013_pending_person
Revises: 0012_staff_second_factor
Create Date: 2026-12-06 23:00:00

"""
from alembic import op
import sqlalchemy as sa

import startsmart.database


# revision identifiers, used by Alembic.
revision = '0013_pending_person'
down_revision = '0012_staff_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_at', startsmart.database.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_person', sa.JSON(), nullable=True))
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_person', sa.JSON(), nullable=True))
    # Municipalities we can vouch for are verified: an official key, a model project, or a
    # registration or consultation whose address was confirmed. Others (possibly typed by
    # anybody) stay unverified and out of the suggestions until staff or a confirmation
    # accept them.
    op.execute(
        "UPDATE municipality SET verified_at = created_at WHERE ags IS NOT NULL"
        " OR is_model_project"
        " OR id IN (SELECT municipality_id FROM registration"
        "           WHERE email_confirmed_at IS NOT NULL AND municipality_id IS NOT NULL)"
        " OR id IN (SELECT municipality_id FROM consultation"
        "           WHERE confirmed_at IS NOT NULL AND municipality_id IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('pending_person')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('pending_person')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('verified_at')
