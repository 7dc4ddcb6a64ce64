"""materials afterwards: files and links of a conference's sessions, and the one mail about them

Revision ID: 0028_session_materials
Revises: 0027_workshop_choices
Create Date: 2026-12-07 12:30:00

"""
import sqlalchemy as sa
from alembic import op

from startsmart.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0028_session_materials'
down_revision = '0027_workshop_choices'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'conference_material',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column(
            'kind',
            sa.Enum('file', 'link', name='material_kind', native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=True),
        sa.Column('stored_name', sa.String(length=64), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'link' AND url IS NOT NULL AND stored_name IS NULL) OR "
            "(kind = 'file' AND url IS NULL AND stored_name IS NOT NULL "
            "AND file_name IS NOT NULL AND size_bytes IS NOT NULL)",
            name=op.f('ck_conference_material_file_or_link'),
        ),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_conference_material_conference_id_conference'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['session_id'], ['conference_session.id'],
            name=op.f('fk_conference_material_session_id_conference_session'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conference_material')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_conference_material_stored_name')),
    )
    with op.batch_alter_table('conference_material', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_conference_material_conference_id'), ['conference_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_conference_material_session_id'), ['session_id'], unique=False
        )
    op.create_table(
        'documentation_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conference_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['conference_id'], ['conference.id'],
            name=op.f('fk_documentation_mail_conference_id_conference'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_documentation_mail_registration_id_registration'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_documentation_mail')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_documentation_mail_registration_id')),
    )
    with op.batch_alter_table('documentation_mail', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_documentation_mail_conference_id'), ['conference_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('documentation_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documentation_mail_conference_id'))
    op.drop_table('documentation_mail')
    with op.batch_alter_table('conference_material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conference_material_session_id'))
        batch_op.drop_index(batch_op.f('ix_conference_material_conference_id'))
    op.drop_table('conference_material')
