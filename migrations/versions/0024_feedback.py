"""feedback: survey questions, who was asked, anonymous answers

Revision ID: 0024_feedback
Revises: 0022_municipality_matching
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

from startsmart.database import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0024_feedback'
down_revision = '0022_municipality_matching'
branch_labels = None
depends_on = None

_KIND_CHECK = "subject_kind IN ('event_date', 'consultation')"


def upgrade():
    op.create_table(
        'feedback_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=True),
        sa.Column('text_de', sa.String(length=300), nullable=False),
        sa.Column('text_en', sa.String(length=300), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('replaces_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['replaces_id'], ['feedback_question.id'],
            name=op.f('fk_feedback_question_replaces_id_feedback_question'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_question')),
        sa.UniqueConstraint('key', name=op.f('uq_feedback_question_key')),
    )
    op.create_table(
        'feedback_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_kind', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(), nullable=True),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('consultation_id', sa.Integer(), nullable=True),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered', sa.Boolean(), nullable=False),
        sa.CheckConstraint(_KIND_CHECK, name=op.f('ck_feedback_invitation_subject_kind')),
        sa.ForeignKeyConstraint(
            ['offering_id'], ['offering.id'],
            name=op.f('fk_feedback_invitation_offering_id_offering'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['registration_id'], ['registration.id'],
            name=op.f('fk_feedback_invitation_registration_id_registration'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['consultation_id'], ['consultation.id'],
            name=op.f('fk_feedback_invitation_consultation_id_consultation'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_invitation')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_feedback_invitation_registration_id')),
        sa.UniqueConstraint('consultation_id', name=op.f('uq_feedback_invitation_consultation_id')),
    )
    with op.batch_alter_table('feedback_invitation', schema=None) as batch_op:
        batch_op.create_index(
            'ix_feedback_invitation_subject', ['subject_kind', 'subject_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_feedback_invitation_offering_id'), ['offering_id'], unique=False
        )
    op.create_table(
        'feedback_response',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_kind', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('offering_id', sa.Integer(), nullable=True),
        sa.Column('answered_on', sa.Date(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.CheckConstraint(_KIND_CHECK, name=op.f('ck_feedback_response_subject_kind')),
        sa.ForeignKeyConstraint(
            ['offering_id'], ['offering.id'],
            name=op.f('fk_feedback_response_offering_id_offering'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_response')),
    )
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.create_index(
            'ix_feedback_response_subject', ['subject_kind', 'subject_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_feedback_response_offering_id'), ['offering_id'], unique=False
        )
    op.create_table(
        'feedback_rating',
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.CheckConstraint('value BETWEEN 1 AND 5', name=op.f('ck_feedback_rating_value_1_to_5')),
        sa.ForeignKeyConstraint(
            ['question_id'], ['feedback_question.id'],
            name=op.f('fk_feedback_rating_question_id_feedback_question'),
        ),
        sa.ForeignKeyConstraint(
            ['response_id'], ['feedback_response.id'],
            name=op.f('fk_feedback_rating_response_id_feedback_response'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_feedback_rating')),
    )
    with op.batch_alter_table('feedback_rating', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_feedback_rating_question_id'), ['question_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('feedback_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_rating_question_id'))
    op.drop_table('feedback_rating')
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_response_offering_id'))
        batch_op.drop_index('ix_feedback_response_subject')
    op.drop_table('feedback_response')
    with op.batch_alter_table('feedback_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_invitation_offering_id'))
        batch_op.drop_index('ix_feedback_invitation_subject')
    op.drop_table('feedback_invitation')
    op.drop_table('feedback_question')
