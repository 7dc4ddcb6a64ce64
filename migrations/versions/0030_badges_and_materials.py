"""badges and materials: a reissued badge's generation (voids the earlier badges), and an
English title for each material

Revision ID: 0030_badges_and_materials
Revises: 0029_session_invitations
Create Date: 2026-12-07 15:50:00

"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0030_badges_and_materials'
down_revision = '0029_session_invitations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conference_badge',
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('reissued_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'generation > 0', name=op.f('ck_conference_badge_generation_positive')
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_conference_badge_registration_id_registration'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_conference_badge')),
    )
    with op.batch_alter_table('conference_material', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('title_en', sa.String(length=200), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('conference_material', schema=None) as batch_op:
        batch_op.drop_column('title_en')
    op.drop_table('conference_badge')
