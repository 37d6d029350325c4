"""Live dispatch: officers' status log (officer_status_event), and on assignment events
the officer the ticket was taken from (ticket_event.previous_officer_id).

Revision ID: l1live0001ev
Revises: dv0011a7c0de
"""
import sqlalchemy as sa
from alembic import op

revision = "l1live0001ev"
down_revision = "dv0011a7c0de"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "officer_status_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["officer_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_officer_status_event_officer", "officer_status_event",
                    ["officer_id", "id"], unique=False)
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_officer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_ticket_event_previous_officer_id_user", "user",
                                    ["previous_officer_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("ticket_event", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ticket_event_previous_officer_id_user",
                                 type_="foreignkey")
        batch_op.drop_column("previous_officer_id")
    op.drop_index("ix_officer_status_event_officer", table_name="officer_status_event")
    op.drop_table("officer_status_event")
