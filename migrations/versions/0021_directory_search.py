"""directory search: the folded name and the district of each municipality

Revision ID: 0021_directory_search
Revises: 0020_municipality_notes
Create Date: 2026-12-07 05:30:00

"""

from alembic import op
import sqlalchemy as sa

from startsmart.municipalities.folding import fold


# revision identifiers, used by Alembic.
revision = "0021_directory_search"
down_revision = "0020_municipality_notes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_key", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("region", sa.String(length=200), nullable=True))
    # Rows people typed are found by their name from now on; the directory's rows get their
    # district (and a district its kind word) from the next `flask municipalities import`.
    municipality = sa.table(
        "municipality",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("search_key", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(municipality.c.id, municipality.c.name)).all()
    if rows:
        connection.execute(
            municipality.update()
            .where(municipality.c.id == sa.bindparam("_id"))
            .values(search_key=sa.bindparam("_key")),
            [{"_id": row.id, "_key": fold(row.name)[:200]} for row in rows],
        )


def downgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("region")
        batch_op.drop_column("search_key")
