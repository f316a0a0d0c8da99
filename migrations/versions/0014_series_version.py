"""series.version: a random number the database changes at every change of a series, its
sessions or its profiles

Reviewed: one column and its triggers, nothing else. Registering reads a series, its sessions
and its profiles from a copy kept per process between requests (`registration.snapshots`);
the insert of a registration compares the copy's version with the row's, and again under the
series lock, and reads the series again when they differ. So the version
must change whatever writes the rows, the ORM, a bulk statement or a hand-written fix in psql:
triggers, not the application, change it. It is random rather than counted so that a series
deleted and created again under the same address (whose id SQLite may give again) never
matches a copy of the old one.

Revision ID: 8a4f2c61d9e3
Revises: 5d2b7e91c4a8
Create Date: 2026-12-03 17:00:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "8a4f2c61d9e3"
down_revision = "5d2b7e91c4a8"
branch_labels = None
depends_on = None

#: The tables whose rows belong to a series (`series_id`) and are part of the copy.
CHILDREN = ("event_sessions", "participant_profiles")

POSTGRESQL = [
    # Any insert or update of the series row draws a new version, whatever it sets.
    """
    CREATE FUNCTION series_new_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.version := floor(random() * 9.0e18)::bigint;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER series_version BEFORE INSERT OR UPDATE ON series
    FOR EACH ROW EXECUTE FUNCTION series_new_version()
    """,
    # A session or profile written: its series (both, when it moved) is updated, which draws
    # a new version through the trigger above.
    """
    CREATE FUNCTION series_child_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE series SET version = 0 WHERE id = OLD.series_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            UPDATE series SET version = 0 WHERE id = NEW.series_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_series_version AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION series_child_changed()
        """
        for table in CHILDREN
    ),
]

SQLITE = [
    # SQLite's triggers cannot set NEW: the row is updated again (recursive triggers are off,
    # and the WHEN clause stops a second pass anyway).
    """
    CREATE TRIGGER series_version_insert AFTER INSERT ON series
    BEGIN UPDATE series SET version = random() WHERE id = NEW.id; END
    """,
    """
    CREATE TRIGGER series_version_update AFTER UPDATE ON series
    WHEN NEW.version IS OLD.version
    BEGIN UPDATE series SET version = random() WHERE id = NEW.id; END
    """,
    *(
        statement
        for table in CHILDREN
        for statement in (
            f"""
            CREATE TRIGGER {table}_series_version_insert AFTER INSERT ON {table}
            BEGIN UPDATE series SET version = random() WHERE id = NEW.series_id; END
            """,
            f"""
            CREATE TRIGGER {table}_series_version_update AFTER UPDATE ON {table}
            BEGIN
                UPDATE series SET version = random() WHERE id IN (OLD.series_id, NEW.series_id);
            END
            """,
            f"""
            CREATE TRIGGER {table}_series_version_delete AFTER DELETE ON {table}
            BEGIN UPDATE series SET version = random() WHERE id = OLD.series_id; END
            """,
        )
    ),
]


def upgrade():
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )
    for statement in POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    op.execute("UPDATE series SET version = 0")  # the trigger draws each one


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in CHILDREN:
            op.execute(f"DROP TRIGGER {table}_series_version ON {table}")
        op.execute("DROP TRIGGER series_version ON series")
        op.execute("DROP FUNCTION series_child_changed()")
        op.execute("DROP FUNCTION series_new_version()")
    else:
        for table in CHILDREN:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_series_version_{event}")
        op.execute("DROP TRIGGER series_version_insert")
        op.execute("DROP TRIGGER series_version_update")
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("version")
