"""Open311 GeoReport v2: API keys (api_key) and the published-services setting
(open311_service).

Revision ID: o311api0001k
Revises: dvid0001seq
"""
import sqlalchemy as sa
from alembic import op

revision = "o311api0001k"
down_revision = "dvid0001seq"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"],
                                name="fk_api_key_created_by_id_user", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_api_key"),
        sa.UniqueConstraint("key_hash", name="uq_api_key_key_hash"),
        sa.UniqueConstraint("name", name="uq_api_key_name"),
    )
    op.create_table(
        "open311_service",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_open311_service"),
    )


def downgrade():
    op.drop_table("open311_service")
    op.drop_table("api_key")
