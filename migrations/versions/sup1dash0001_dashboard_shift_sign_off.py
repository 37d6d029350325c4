"""Operations dashboard: ticket.on_scene_at (backfilled from the history), the covering
index of the dashboard's aggregates (in place of the plain created_at index), notes marked
for the shift report, shift sign-offs.

Revision ID: sup1dash0001
Revises: walk0001timer
"""
import sqlalchemy as sa
from alembic import op

revision = "sup1dash0001"
down_revision = "walk0001timer"
branch_labels = None
depends_on = None

INCLUDE = ["kind", "location_id", "confidential", "acknowledged_at", "on_scene_at", "status",
           "closed_at", "outcome"]


def upgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_scene_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE ticket SET on_scene_at = (SELECT min(e.created_at) FROM ticket_event e "
        "WHERE e.ticket_id = ticket.id AND e.to_status = 'on_scene') "
        "WHERE status IN ('on_scene', 'resolved', 'cancelled')"
    )
    op.create_index("ix_ticket_dashboard", "ticket", ["created_at", "priority"], unique=False,
                    postgresql_include=INCLUDE)
    # Replaced by the covering index above, which starts with created_at too.
    op.drop_index("ix_ticket_created_at", table_name="ticket")
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_shift_report", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.create_table(
        "shift_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_start", sa.DateTime(), nullable=False),
        sa.Column("shift_end", sa.DateTime(), nullable=False),
        sa.Column("shift_name", sa.String(length=20), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("tickets_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["signed_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shift_start"),
    )


def downgrade():
    op.drop_table("shift_sign_off")
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_column("for_shift_report")
    op.create_index("ix_ticket_created_at", "ticket", ["created_at"], unique=False)
    op.drop_index("ix_ticket_dashboard", table_name="ticket")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("on_scene_at")
