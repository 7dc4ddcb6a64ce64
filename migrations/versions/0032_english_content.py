"""English texts beside the German ones: offerings, topics and conferences (German required,
English optional; empty means the German text is shown, marked as German)

Revision ID: 0032_english_content
Revises: 0030_badges_and_materials
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0032_english_content'
down_revision = '0030_badges_and_materials'
branch_labels = None
depends_on = None

COLUMNS = {
    'offering': [
        ('title_en', sa.String(length=200)),
        ('summary_en', sa.String(length=500)),
        ('description_en', sa.Text()),
    ],
    'topic': [('name_en', sa.String(length=120))],
    'conference': [('title_en', sa.String(length=200)), ('description_en', sa.Text())],
}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, type_ in columns:
                batch.add_column(sa.Column(name, type_, nullable=False, server_default=''))


def downgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, _type in columns:
                batch.drop_column(name)
