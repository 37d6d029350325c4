"""The closing-time index covers the dashboard's closures (outcomes, backlog): on
PostgreSQL it includes the columns they filter and group by, so a period's closures are
read from the index alone.

Revision ID: dash2closed
Revises: esa1lang
"""
from alembic import op

revision = "dash2closed"
down_revision = "esa1lang"
branch_labels = None
depends_on = None

INCLUDE = ["confidential", "kind", "location_id", "status", "outcome"]


def upgrade():
    op.drop_index("ix_ticket_closed_at", table_name="ticket")
    op.create_index("ix_ticket_closed_at", "ticket", ["closed_at"], unique=False,
                    postgresql_include=INCLUDE)


def downgrade():
    op.drop_index("ix_ticket_closed_at", table_name="ticket")
    op.create_index("ix_ticket_closed_at", "ticket", ["closed_at"], unique=False)
