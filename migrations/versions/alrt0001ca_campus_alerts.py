"""Urgent campus alerts (campus_alert, its places), alert subscribers and deliveries, and
the outbox's priority (campus alerts are sent ahead of queued APB mail).

Revision ID: alrt0001ca
Revises: unit0001tree
"""
import sqlalchemy as sa
from alembic import op

revision = "alrt0001ca"
down_revision = "unit0001tree"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campus_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=80), nullable=False),
        sa.Column("headline", sa.String(length=160), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("campus_wide", sa.Boolean(), nullable=False),
        sa.Column("all_clear", sa.Boolean(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_via", sa.String(length=10), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.Column("fanout_done_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["campus_alert.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identifier"),
        sa.UniqueConstraint("supersedes_id"),
    )
    op.create_index("ix_campus_alert_expires_at", "campus_alert", ["expires_at"], unique=False)
    op.create_table(
        "campus_alert_location",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["campus_alert.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("alert_id", "location_id"),
    )
    op.create_table(
        "alert_subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_index("ix_alert_subscriber_status", "alert_subscriber", ["status"], unique=False)
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["campus_alert.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscriber_id"], ["alert_subscriber.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outbox_message_id"], ["outbox_message.id"],
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("alert_id", "subscriber_id"),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), server_default="0",
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("priority")
    op.drop_table("alert_delivery")
    op.drop_index("ix_alert_subscriber_status", table_name="alert_subscriber")
    op.drop_table("alert_subscriber")
    op.drop_table("campus_alert_location")
    op.drop_index("ix_campus_alert_expires_at", table_name="campus_alert")
    op.drop_table("campus_alert")
