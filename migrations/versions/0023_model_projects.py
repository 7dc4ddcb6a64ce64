"""model projects (MPSC) and their members

Revision ID: 0023_model_projects
Revises: 0021_directory_search
Create Date: 2026-12-07 05:30:00

The projects are filled by ``flask municipalities import-mpsc`` (run it after this upgrade):
it records each project with its members and sets ``municipality.is_model_project`` from the
memberships. Until then the flags the earlier import set stay as they are.
"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0023_model_projects'
down_revision = '0021_directory_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'model_project',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('unresolved', sa.Text(), nullable=False),
        sa.CheckConstraint('round BETWEEN 1 AND 3', name=op.f('ck_model_project_round_1_to_3')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_project')),
        sa.UniqueConstraint('name', name=op.f('uq_model_project_name')),
    )
    op.create_table(
        'model_project_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('added_by_staff', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('removed_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['municipality_id'], ['municipality.id'],
            name=op.f('fk_model_project_member_municipality_id_municipality'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['project_id'], ['model_project.id'],
            name=op.f('fk_model_project_member_project_id_model_project'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_model_project_member')),
        sa.UniqueConstraint(
            'project_id', 'municipality_id',
            name=op.f('uq_model_project_member_project_id_municipality_id'),
        ),
    )
    with op.batch_alter_table('model_project_member', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_model_project_member_project_id'), ['project_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_model_project_member_municipality_id'), ['municipality_id'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('model_project_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_model_project_member_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_model_project_member_project_id'))
    op.drop_table('model_project_member')
    op.drop_table('model_project')
