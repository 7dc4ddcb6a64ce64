"""calendar UIDs stored with each date, registration and consultation (random for new rows)

Existing rows get exactly the UID they had, built from their id and the host name of the
configured PUBLIC_URL, so that updates and cancellations of invitations already sent still
find the entry in people's calendars.

Revision ID: 0016_event_uids
Revises: 0014_hold_client
Create Date: 2026-12-07 02:10:00

"""
from urllib.parse import urlsplit

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0016_event_uids'
down_revision = '0014_hold_client'
branch_labels = None
depends_on = None

# table: the UID's first word, as the app built it before (invitations.uids.legacy_uid).
KINDS = {'event_date': 'event-date', 'registration': 'registration', 'consultation': 'consultation'}
# What PUBLIC_URL was when unset before this revision (the development default).
OLD_DEFAULT_URL = 'http://127.0.0.1:5000'


def legacy_domain(public_url):
    """The host name the app put into UIDs before they were stored (catalog.calendar.uid_domain
    until this revision): not punycoded, 'startsmart' when the URL names no host."""
    return urlsplit(public_url or OLD_DEFAULT_URL).hostname or 'startsmart'


def fill_legacy_uids(domain):
    """Write each row's old UID, '<kind>-<id>@<domain>', where none is stored yet (through
    op.execute, so that `flask db upgrade --sql` writes it out too)."""
    for table, kind in KINDS.items():
        rows = sa.table(table, sa.column('id', sa.Integer), sa.column('ical_uid', sa.String))
        op.execute(
            rows.update()
            .where(rows.c.ical_uid.is_(None))
            .values(
                ical_uid=sa.literal(f'{kind}-')
                + sa.cast(rows.c.id, sa.String)
                + sa.literal(f'@{domain}')
            )
        )


def upgrade():
    for table in KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('ical_uid', sa.String(length=320), nullable=True))
    fill_legacy_uids(legacy_domain(current_app.config.get('PUBLIC_URL')))
    # A unique index, and no NOT NULL: either of those as a table constraint makes SQLite
    # rebuild the table, and event_date cannot be dropped while registrations refer to it.
    for table in KINDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_ical_uid'), ['ical_uid'], unique=True)


def downgrade():
    for table in reversed(list(KINDS)):
        op.drop_index(op.f(f'ix_{table}_ical_uid'), table_name=table)
        # Not batch mode: on SQLite that rebuilds the table, and event_date cannot be dropped
        # while registrations refer to it (ALTER TABLE ... DROP COLUMN needs SQLite 3.35).
        op.execute(f'ALTER TABLE {table} DROP COLUMN ical_uid')
