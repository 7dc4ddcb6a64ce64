"""A note per date, in German and optionally in English (e.g. "This date is held in English."):
both empty means no note; an empty English one means the German one is shown, marked as German

Revision ID: 0033_date_notes
Revises: 0032_english_content
Create Date: 2026-12-07 20:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0033_date_notes'
down_revision = '0032_english_content'
branch_labels = None
depends_on = None

COLUMNS = ('note', 'note_en')


def upgrade():
    with op.batch_alter_table('event_date') as batch:
        for name in COLUMNS:
            batch.add_column(
                sa.Column(name, sa.String(length=500), nullable=False, server_default='')
            )


def downgrade():
    with op.batch_alter_table('event_date') as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
