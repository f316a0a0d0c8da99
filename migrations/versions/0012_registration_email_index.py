"""an index on registrations.email: a new registration looks its address up in every series

Reviewed: one index, nothing else. Registering reads the address's registrations in every
series in one query (a duplicate in this series is refused; the person behind the others is
the one the new registration joins); without the index that read scans the table, and gets
slower with every registration the service has ever taken. The unique key (series_id, email)
cannot serve it: the address is its second column.

Revision ID: 3c9e1f2a7b40
Revises: ef5730279a45
Create Date: 2026-12-02 15:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3c9e1f2a7b40"
down_revision = "ef5730279a45"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index("ix_registrations_email", ["email"], unique=False)


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index("ix_registrations_email")
