"""registrations: a partial index of the seat holders, by series, profile and country

Reviewed: one index, on both databases. Every registration counts the seats held in its
series (`seats`): the series' total, its profile's in its country, under the series lock
and in the prediction before it. The index (series_id, status) served them by series alone:
a count read every registration of the series, the waiting list and the cancelled too, and
checked each one's profile and country (1.8 ms for 3,000 registrations, twice per
registration, once with every other registration of the series waiting for the lock). This
index holds only the registrations that hold a seat, so a count reads the rows it counts.
Its condition is written out in the counts' SQL too, so that a prepared statement's generic
plan uses it whatever the statistics say.

Revision ID: 5d2b8e07c4a1
Revises: 3c7e1a94b2f0
Create Date: 2026-12-04 21:30:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "5d2b8e07c4a1"
down_revision = "3c7e1a94b2f0"
branch_labels = None
depends_on = None

HOLDING = sa.text("status IN ('pending', 'confirmed')")


def upgrade():
    op.create_index(
        "ix_registrations_holding",
        "registrations",
        ["series_id", "profile_id", "country_code"],
        postgresql_where=HOLDING,
        sqlite_where=HOLDING,
    )


def downgrade():
    op.drop_index("ix_registrations_holding", table_name="registrations")
