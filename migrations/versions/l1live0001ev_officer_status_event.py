"""Officers' status log (the live officer panel): officer_status_event.

Revision ID: l1live0001ev
Revises: c3ops0001aud
"""
import sqlalchemy as sa
from alembic import op

revision = "l1live0001ev"
down_revision = "c3ops0001aud"  # the head of this tree; the lead re-chains on merge
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


def downgrade():
    op.drop_index("ix_officer_status_event_officer", table_name="officer_status_event")
    op.drop_table("officer_status_event")
