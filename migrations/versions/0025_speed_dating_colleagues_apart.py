"""speed dating: keep colleagues apart (staff setting)

Revision ID: 0025_colleagues_apart
Revises: 0024_feedback
Create Date: 2026-12-07 06:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_colleagues_apart"  # alembic_version holds at most 32 characters
down_revision = "0024_feedback"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("speed_dating_session") as batch_op:
        batch_op.add_column(
            sa.Column("colleagues_apart", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("speed_dating_session") as batch_op:
        batch_op.drop_column("colleagues_apart")
