"""A held extreme alert can be withdrawn before it goes out: when and by whom.

Revision ID: alrt2withdraw
Revises: outbox2due
"""
import sqlalchemy as sa
from alembic import op

revision = "alrt2withdraw"
down_revision = "outbox2due"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campus_alert") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_campus_alert_withdrawn_by_id_user", "user",
                                 ["withdrawn_by_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("campus_alert") as batch:
        batch.drop_constraint("fk_campus_alert_withdrawn_by_id_user", type_="foreignkey")
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("withdrawn_at")
