"""Virtual walks (the safety timer): running walks, members' saved walks, the daily count
of walks ended safely, and the safety-timer ticket kind.

Revision ID: walk0001timer
Revises: o311api0001k
"""
import sqlalchemy as sa
from alembic import op

revision = "walk0001timer"
down_revision = "o311api0001k"
branch_labels = None
depends_on = None


def _places():
    return [
        sa.Column("from_location_id", sa.Integer(), nullable=True),
        sa.Column("from_other", sa.String(length=200), nullable=True),
        sa.Column("to_location_id", sa.Integer(), nullable=True),
        sa.Column("to_other", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["from_location_id"], ["location.id"]),
        sa.ForeignKeyConstraint(["to_location_id"], ["location.id"]),
    ]


def _position():
    return [
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("located_at", sa.DateTime(), nullable=True),
    ]


def upgrade():
    op.create_table(
        "virtual_walk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("submission_key", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("emergency_phone", sa.String(length=40), nullable=True),
        sa.Column("walker_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        *_places(),
        *_position(),
        sa.ForeignKeyConstraint(["walker_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("submission_key"),
    )
    op.create_index("ix_virtual_walk_due", "virtual_walk", ["status", "deadline_at"])
    op.create_table(
        "safety_timer_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("walk_started_at", sa.DateTime(), nullable=False),
        sa.Column("walk_deadline_at", sa.DateTime(), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("emergency_phone", sa.String(length=40), nullable=True),
        *_places(),
        *_position(),
        sa.ForeignKeyConstraint(["id"], ["ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "saved_walk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("emergency_phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_places(),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_saved_walk_owner_id", "saved_walk", ["owner_id"])
    op.create_table(
        "walk_tally",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ended_safely", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade():
    op.drop_table("walk_tally")
    op.drop_index("ix_saved_walk_owner_id", table_name="saved_walk")
    op.drop_table("saved_walk")
    op.drop_table("safety_timer_ticket")
    op.drop_index("ix_virtual_walk_due", table_name="virtual_walk")
    op.drop_table("virtual_walk")
